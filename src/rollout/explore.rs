//! `swarmproof explore update SERVICE`: stateright's Explorer web UI over the service's update
//! model, to step through the update event by event.

use std::net::{SocketAddr, TcpListener, ToSocketAddrs};

use stateright::Model;

use super::input::{NotModelled, RolloutInput};
use super::model::RolloutModel;

#[derive(Debug, thiserror::Error)]
pub enum ExploreError {
    #[error("the update of this service is not modelled: {0}")]
    NotModelled(#[from] NotModelled),
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: String,
        source: std::io::Error,
    },
}

/// Serves the Explorer for `input`'s update model (with up to `max_failures` injected failures)
/// on `addr`, e.g. `127.0.0.1:3000`. Blocks for as long as the server runs (stateright's
/// Explorer never returns); `on_ready` is called with the bound address first. The address is
/// probed before handing it to stateright, which would panic on a bind error.
pub fn serve_explorer(
    input: &RolloutInput<'_>,
    max_failures: u8,
    addr: &str,
    on_ready: impl FnOnce(SocketAddr),
) -> Result<(), ExploreError> {
    let model = RolloutModel::new(input, max_failures)?;
    let bind_err = |source| ExploreError::Bind {
        addr: addr.to_string(),
        source,
    };
    let resolved = addr
        .to_socket_addrs()
        .map_err(bind_err)?
        .next()
        .ok_or_else(|| bind_err(std::io::Error::other("the address resolves to nothing")))?;
    // Probe, then release the port for stateright's own listener.
    let probe = TcpListener::bind(resolved).map_err(bind_err)?;
    let bound = probe.local_addr().map_err(bind_err)?;
    drop(probe);
    on_ready(bound);
    // `serve` only returns if its web thread ends.
    let _ = model.checker().serve(bound);
    Ok(())
}
