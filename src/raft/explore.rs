//! The stateright Explorer for the Raft model: a web UI on a loopback address to step through
//! the model by hand. This is the one function of the module that does I/O; the CLI calls it.

use std::net::{SocketAddr, TcpListener};

use stateright::Model;

use super::model::RaftModel;

#[derive(Debug, thiserror::Error)]
pub enum ExploreError {
    #[error("the Explorer only listens on a loopback address, not {0}")]
    NotLoopback(SocketAddr),
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
}

/// Serves the Explorer for `model` on `addr` and blocks while it runs (stateright's server
/// never returns). Fails early, instead of panicking inside stateright, when the address is
/// not loopback or cannot be bound.
pub fn serve_explorer(model: RaftModel, addr: SocketAddr) -> Result<(), ExploreError> {
    if !addr.ip().is_loopback() {
        return Err(ExploreError::NotLoopback(addr));
    }
    drop(TcpListener::bind(addr).map_err(|source| ExploreError::Bind { addr, source })?);
    let _checker = model.checker().serve(addr);
    Ok(())
}
