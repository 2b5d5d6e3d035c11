//! Loader conformance: `swarmproof config` against `docker stack config`.

use crate::harness::{Case, Group};

pub fn group() -> Group {
    Group {
        name: "loader",
        needs_cluster: false,
        cases: vec![Case::new("placeholder", |_| {
            Ok("nothing compared yet".into())
        })],
    }
}
