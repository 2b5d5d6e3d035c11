//! Replaying a path of action indices on a model: every counterexample is replayed on the model
//! it is reported for, and a path of a reduced model is re-indexed onto the full one.

use stateright::Model;

/// The states of a replayed path and the actions between them.
pub type Trace<M> = (Vec<<M as Model>::State>, Vec<<M as Model>::Action>);

/// Replays a path of action indices (first: initial state index) on the model, checking that
/// every step is an enabled action with a successor. Returns the states and actions taken.
pub fn replay<M>(model: &M, path: &[usize]) -> Option<Trace<M>>
where
    M: Model,
    M::State: Clone,
    M::Action: Clone,
{
    let (&init, steps) = path.split_first()?;
    let mut states = vec![model.init_states().into_iter().nth(init)?];
    let mut taken = Vec::new();
    for &i in steps {
        let mut actions = Vec::new();
        let last = states.last()?;
        model.actions(last, &mut actions);
        let action = actions.into_iter().nth(i)?;
        let next = model.next_state(last, action.clone())?;
        taken.push(action);
        states.push(next);
    }
    Some((states, taken))
}

/// The path `path` of `from` as action indices of `to`, a model with the same states whose
/// actions include `from`'s (a reduced model and its full version); `None` if a step is not
/// enabled in `to`.
pub fn reindex<M>(from: &M, to: &M, path: &[usize]) -> Option<Vec<usize>>
where
    M: Model,
    M::State: Clone,
    M::Action: Clone + PartialEq,
{
    let (states, actions) = replay(from, path)?;
    let mut out = vec![*path.first()?];
    let mut enabled = Vec::new();
    for (s, a) in states.iter().zip(&actions) {
        enabled.clear();
        to.actions(s, &mut enabled);
        out.push(enabled.iter().position(|b| b == a)?);
    }
    Some(out)
}
