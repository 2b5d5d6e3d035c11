//! Model values for the graph tests, built directly in Rust (the YAML loader is not ours).

use crate::diagnostics::{FileId, Span};
use crate::model::{
    Constraint, Dependency, Mount, MountKind, Network, NetworkAttachment, Port, Protocol,
    PublishMode, Service, Spanned, Stack, Volume,
};

pub fn span(start: usize) -> Span {
    Span::new(FileId(0), start, start + 1)
}

pub fn spanned<T>(value: impl Into<T>, start: usize) -> Spanned<T> {
    Spanned::new(value.into(), span(start))
}

pub fn svc(name: &str) -> Service {
    Service::new(name)
}

pub fn stack(services: Vec<Service>) -> Stack {
    let mut networks: Vec<String> = services
        .iter()
        .flat_map(|s| s.networks.iter().map(|n| n.name.clone()))
        .collect();
    networks.sort();
    networks.dedup();
    Stack {
        name: "st".into(),
        services,
        networks: networks.iter().map(|n| network(n)).collect(),
        ..Stack::default()
    }
}

pub fn network(name: &str) -> Network {
    Network::overlay(name, format!("st_{name}"), None)
}

pub fn volume(name: &str, driver: &str) -> Volume {
    Volume {
        name: name.into(),
        full_name: format!("st_{name}"),
        driver: driver.into(),
        driver_opts: Default::default(),
        external: false,
        span: None,
    }
}

pub fn depends(mut s: Service, on: &str, at: usize) -> Service {
    s.depends_on.push(Dependency {
        service: on.into(),
        condition: None,
        span: Some(span(at)),
    });
    s
}

pub fn on_networks(mut s: Service, nets: &[&str]) -> Service {
    s.networks = nets
        .iter()
        .map(|n| NetworkAttachment {
            name: (*n).into(),
            aliases: Vec::new(),
            span: None,
        })
        .collect();
    s
}

pub fn port(published: u32, target: u32, mode: PublishMode, at: usize) -> Port {
    Port {
        target,
        published: Some(published),
        protocol: Protocol::Tcp,
        mode,
        span: Some(span(at)),
    }
}

pub fn mount(kind: MountKind, source: &str, target: &str, at: usize) -> Mount {
    Mount {
        kind,
        source: Some(source.into()),
        target: target.into(),
        read_only: false,
        span: Some(span(at)),
    }
}

pub fn constrained(mut s: Service, expr: &str) -> Service {
    let c = Constraint::parse(expr).expect("test constraint parses");
    s.placement.constraints.push(Spanned::default_value(c));
    s
}
