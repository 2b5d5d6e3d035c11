//! The one way swarmproof serves stateright's Explorer, for every model: a model says how a
//! person reads it (`Explain`: names in its states, a legend), and `Readable` wraps it so that
//! the Explorer shows that reading instead of the checker's packed state. The wrapper changes
//! only what is displayed: its states hash and compare as the wrapped ones, its actions and
//! properties are the wrapped ones, so the Explorer's checker finds the same states and
//! verdicts. The address policy (loopback only) and the URLs of paths are pure functions here;
//! `serve` hands the address to stateright, which binds it. `UI_FILES` replace the page's emoji
//! status icons, empty boxes without an emoji font, by text characters.

use std::fmt;
use std::hash::{Hash, Hasher};
use std::net::SocketAddr;
use std::sync::Arc;

use stateright::{Model, Path, Property};

/// How a person reads a model's states in the Explorer.
pub trait Explain: Model {
    /// The state with every entity named as the input names it (hostnames, services,
    /// managers, versions), one line per node or server.
    fn describe(&self, state: &Self::State) -> String;
    /// The names and words the states and actions use, with what they mean.
    fn legend(&self) -> Vec<(String, String)>;
}

/// A model displayed through its `Explain`.
pub struct Readable<M: Explain> {
    inner: Arc<M>,
    properties: Vec<Property<M>>,
}

impl<M: Explain> Readable<M> {
    /// `None` when the model has more properties than the wrapper can forward.
    pub fn new(model: M) -> Option<Readable<M>> {
        let properties = model.properties();
        (properties.len() <= MAX_PROPERTIES).then(|| Readable {
            inner: Arc::new(model),
            properties,
        })
    }
}

/// A state of the wrapped model, shown (`Debug`, which the Explorer prints) through
/// `Explain::describe`; hashing and equality are the wrapped state's, so fingerprints agree.
pub struct Shown<M: Explain> {
    pub state: M::State,
    model: Arc<M>,
}

impl<M: Explain> Clone for Shown<M>
where
    M::State: Clone,
{
    fn clone(&self) -> Self {
        Shown {
            state: self.state.clone(),
            model: Arc::clone(&self.model),
        }
    }
}

impl<M: Explain> Hash for Shown<M>
where
    M::State: Hash,
{
    fn hash<H: Hasher>(&self, h: &mut H) {
        self.state.hash(h)
    }
}

impl<M: Explain> PartialEq for Shown<M>
where
    M::State: PartialEq,
{
    fn eq(&self, other: &Self) -> bool {
        self.state == other.state
    }
}

impl<M: Explain> fmt::Debug for Shown<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.model.describe(&self.state))
    }
}

/// Properties are plain `fn` pointers in stateright, so the wrapper forwards the `I`-th one
/// through a function instantiated per index.
const MAX_PROPERTIES: usize = 16;

fn condition<M: Explain, const I: usize>(m: &Readable<M>, s: &Shown<M>) -> bool {
    (m.properties[I].condition)(&m.inner, &s.state)
}

type Condition<M> = fn(&Readable<M>, &Shown<M>) -> bool;

fn conditions<M: Explain>() -> [Condition<M>; MAX_PROPERTIES] {
    [
        condition::<M, 0>,
        condition::<M, 1>,
        condition::<M, 2>,
        condition::<M, 3>,
        condition::<M, 4>,
        condition::<M, 5>,
        condition::<M, 6>,
        condition::<M, 7>,
        condition::<M, 8>,
        condition::<M, 9>,
        condition::<M, 10>,
        condition::<M, 11>,
        condition::<M, 12>,
        condition::<M, 13>,
        condition::<M, 14>,
        condition::<M, 15>,
    ]
}

impl<M: Explain> Model for Readable<M>
where
    M::State: Clone,
{
    type State = Shown<M>;
    type Action = M::Action;

    fn init_states(&self) -> Vec<Shown<M>> {
        self.inner
            .init_states()
            .into_iter()
            .map(|state| self.shown(state))
            .collect()
    }

    fn actions(&self, s: &Shown<M>, out: &mut Vec<M::Action>) {
        self.inner.actions(&s.state, out)
    }

    fn next_state(&self, s: &Shown<M>, action: M::Action) -> Option<Shown<M>> {
        self.inner
            .next_state(&s.state, action)
            .map(|state| self.shown(state))
    }

    fn format_action(&self, action: &M::Action) -> String
    where
        M::Action: fmt::Debug,
    {
        self.inner.format_action(action)
    }

    fn properties(&self) -> Vec<Property<Self>> {
        self.properties
            .iter()
            .zip(conditions::<M>())
            .map(|(p, condition)| Property {
                expectation: p.expectation.clone(),
                name: p.name,
                condition,
            })
            .collect()
    }

    fn within_boundary(&self, s: &Shown<M>) -> bool {
        self.inner.within_boundary(&s.state)
    }

    /// The Explorer shows this HTML above the state: the legend.
    fn as_svg(&self, _path: Path<Shown<M>, M::Action>) -> Option<String> {
        Some(legend_html(&self.inner.legend()))
    }
}

impl<M: Explain> Readable<M> {
    fn shown(&self, state: M::State) -> Shown<M> {
        Shown {
            state,
            model: Arc::clone(&self.inner),
        }
    }
}

fn escape(s: &str) -> String {
    s.chars()
        .fold(String::with_capacity(s.len()), |mut out, c| {
            match c {
                '&' => out.push_str("&amp;"),
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                '"' => out.push_str("&quot;"),
                c => out.push(c),
            }
            out
        })
}

/// The legend as an HTML table (the Explorer inserts `as_svg`'s text as HTML).
fn legend_html(rows: &[(String, String)]) -> String {
    let mut out = String::from(
        "<div class=\"swarmproof-legend\"><b>Legend</b>\
         <table style=\"border-collapse:collapse\">",
    );
    for (term, meaning) in rows {
        out.push_str(&format!(
            "<tr><td style=\"padding:1px 12px 1px 0;vertical-align:top;white-space:nowrap\">\
             <b>{}</b></td><td style=\"padding:1px 0\">{}</td></tr>",
            escape(term),
            escape(meaning)
        ));
    }
    out.push_str("</table></div>");
    out
}

/// Where the Explorer may listen.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AddressError {
    #[error("{0:?} is not an address with a port, e.g. 127.0.0.1:3000")]
    Malformed(String),
    #[error("the Explorer only listens on a loopback address (it has no authentication), not {0}")]
    NotLoopback(SocketAddr),
}

/// The address the Explorer listens on: `IP:PORT` (or `localhost:PORT`) on a loopback
/// interface only, since anyone who reaches it can drive the checker.
pub fn loopback(addr: &str) -> Result<SocketAddr, AddressError> {
    let parsed = match addr.strip_prefix("localhost:") {
        Some(port) => port
            .parse::<u16>()
            .map(|p| SocketAddr::from(([127, 0, 0, 1], p)))
            .ok(),
        None => addr.parse::<SocketAddr>().ok(),
    };
    let parsed = parsed.ok_or_else(|| AddressError::Malformed(addr.to_string()))?;
    if parsed.ip().is_loopback() {
        Ok(parsed)
    } else {
        Err(AddressError::NotLoopback(parsed))
    }
}

/// The Explorer's URL of a path: stateright 0.31 addresses a path by the index of its initial
/// state, then the index of each action among the state's enabled actions (`0/2/1`).
pub fn path_url(addr: impl fmt::Display, path: &[usize]) -> String {
    let steps: String = path.iter().map(|i| format!("/{i}")).collect();
    format!("http://{addr}/#/steps{steps}")
}

/// The path of `actions` taken from `init` as Explorer indices; `None` if `init` is not an
/// initial state or an action is not enabled where it is taken.
pub fn path_of<M>(model: &M, init: &M::State, actions: &[M::Action]) -> Option<Vec<usize>>
where
    M: Model,
    M::State: PartialEq + Clone,
    M::Action: PartialEq + Clone,
{
    let mut path = vec![model.init_states().iter().position(|s| s == init)?];
    let mut state = init.clone();
    let mut enabled = Vec::new();
    for action in actions {
        enabled.clear();
        model.actions(&state, &mut enabled);
        path.push(enabled.iter().position(|a| a == action)?);
        state = model.next_state(&state, action.clone())?;
    }
    Some(path)
}

/// Files of the Explorer's page that replace stateright's own: stateright serves `ui/NAME`
/// from the working directory when it exists (its development mode), else its built-in copy,
/// so the caller writes these into an empty directory's `ui/` and serves from there. That
/// also keeps a `ui/` folder of the user's from being served as the page.
pub const UI_FILES: &[(&str, &str)] = &[("app.js", include_str!("ui/app.js"))];

/// Serves the Explorer for `model` on `addr` and blocks while it runs (stateright binds the
/// address and panics if it cannot: the CLI makes sure it can first). `None` if the model has
/// more properties than the wrapper forwards.
pub fn serve<M>(model: M, addr: SocketAddr) -> Option<()>
where
    M: Explain + Send + Sync + 'static,
    M::State: Clone + Hash + PartialEq + Send + Sync,
    M::Action: fmt::Debug + Clone + PartialEq + Send + Sync,
{
    let readable = Readable::new(model)?;
    let _checker = readable.checker().serve(addr);
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use stateright::{Checker, Model};

    /// A counter that a property watches: small enough to check both ways.
    struct Counter;

    impl Model for Counter {
        type State = u8;
        type Action = u8;
        fn init_states(&self) -> Vec<u8> {
            vec![0, 1]
        }
        fn actions(&self, s: &u8, out: &mut Vec<u8>) {
            if *s < 5 {
                out.extend([1, 2]);
            }
        }
        fn next_state(&self, s: &u8, a: u8) -> Option<u8> {
            Some(s + a)
        }
        fn properties(&self) -> Vec<Property<Self>> {
            vec![
                Property::always("below 6", |_, s| *s < 6),
                Property::sometimes("reaches 4", |_, s| *s == 4),
            ]
        }
    }

    impl Explain for Counter {
        fn describe(&self, s: &u8) -> String {
            format!("count {s}")
        }
        fn legend(&self) -> Vec<(String, String)> {
            vec![("count".into(), "how far <we> got".into())]
        }
    }

    #[test]
    fn the_wrapper_finds_the_same_states_and_verdicts() {
        let plain = Counter.checker().spawn_bfs().join();
        let shown = Readable::new(Counter).unwrap().checker().spawn_bfs().join();
        assert_eq!(plain.unique_state_count(), shown.unique_state_count());
        assert_eq!(plain.state_count(), shown.state_count());
        for name in ["below 6", "reaches 4"] {
            let a = plain.discovery(name).map(|p| p.into_actions());
            let b = shown.discovery(name).map(|p| p.into_actions());
            assert_eq!(a, b, "{name}");
        }
        assert!(plain.discovery("below 6").is_some());
    }

    #[test]
    fn states_show_their_description_and_the_legend_is_escaped() {
        let m = Readable::new(Counter).unwrap();
        let s = m.init_states().remove(1);
        assert_eq!(format!("{s:#?}"), "count 1");
        let path = Path::from_actions(&m, s, &[]).unwrap();
        let html = m.as_svg(path).unwrap();
        assert!(html.contains("how far &lt;we&gt; got"), "{html}");
    }

    #[test]
    fn only_loopback_addresses_are_accepted() {
        assert_eq!(
            loopback("127.0.0.1:3000"),
            Ok(([127, 0, 0, 1], 3000).into())
        );
        assert_eq!(
            loopback("localhost:8080"),
            Ok(([127, 0, 0, 1], 8080).into())
        );
        assert!(loopback("[::1]:3000").is_ok());
        assert!(matches!(
            loopback("0.0.0.0:3000"),
            Err(AddressError::NotLoopback(_))
        ));
        assert!(matches!(
            loopback("192.168.1.4:3000"),
            Err(AddressError::NotLoopback(_))
        ));
        assert!(matches!(loopback("3000"), Err(AddressError::Malformed(_))));
        assert!(matches!(
            loopback("localhost"),
            Err(AddressError::Malformed(_))
        ));
    }

    #[test]
    fn paths_are_indices_of_the_explorers_choices() {
        // From 1: actions [1, 2] → take 2 (index 1) to 3, then 1 (index 0) to 4.
        let path = path_of(&Counter, &1, &[2, 1]).unwrap();
        assert_eq!(path, vec![1, 1, 0]);
        assert_eq!(
            path_url(SocketAddr::from(([127, 0, 0, 1], 3000)), &path),
            "http://127.0.0.1:3000/#/steps/1/1/0"
        );
        assert_eq!(path_of(&Counter, &7, &[]), None);
        assert_eq!(path_of(&Counter, &0, &[3]), None);
    }
}
