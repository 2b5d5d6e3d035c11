//! Property tests: no input, however malformed, panics the loader; structured random stacks
//! lower to the values written.

mod common;

use proptest::prelude::*;
use swarmproof::model::Mode;

/// YAML-ish text built from the pieces real stack files are made of.
fn yamlish() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("services:\n".to_string()),
        Just("  web:\n".to_string()),
        Just("    image: nginx\n".to_string()),
        Just("    deploy:\n".to_string()),
        Just("      replicas: 3\n".to_string()),
        Just("      mode: global\n".to_string()),
        Just("      resources: {limits: {cpus: '0.5', memory: 512M}}\n".to_string()),
        Just("      placement: {constraints: [node.role == worker]}\n".to_string()),
        Just("    ports: ['80:80', {target: 1, published: 2, mode: host}]\n".to_string()),
        Just("x-a: &a {replicas: 2}\n".to_string()),
        Just("      <<: *a\n".to_string()),
        Just("version: '3.8'\n".to_string()),
        Just("networks: {n: {driver: overlay}}\n".to_string()),
        Just("    networks: [n]\n".to_string()),
        "[ -~]{0,20}".prop_map(|s| format!("{s}\n")),
        "[\\[\\]{}:,&*!|>'\"%@`#-]{1,6}".prop_map(|s| s.to_string()),
    ];
    proptest::collection::vec(piece, 0..24).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn the_loader_never_panics_on_yamlish_text(text in yamlish()) {
        let l = common::load_texts(&[&text], Some(&text), &[("A", "1")]);
        // Every finding that has a span points inside its file.
        for d in &l.report.findings {
            for label in &d.labels {
                let file = l.sources.get(label.span.file).unwrap();
                prop_assert!(label.span.end <= file.text.len());
            }
        }
    }

    #[test]
    fn the_loader_never_panics_on_arbitrary_text(text in "\\PC{0,200}") {
        common::load_texts(&[&text], Some(&text), &[]);
    }

    #[test]
    fn replicas_and_reservations_lower_to_what_was_written(
        replicas in 0u64..1_000_000_000,
        milli_cpus in 1u64..64_000,
        mib in 4u64..65_536,
    ) {
        let text = format!(
            "services:\n  a:\n    image: x\n    deploy:\n      replicas: {replicas}\n      resources:\n        reservations:\n          cpus: '{}.{:03}'\n          memory: {mib}M\n",
            milli_cpus / 1000, milli_cpus % 1000
        );
        let l = common::load_one(&text);
        prop_assert!(l.report.findings.is_empty(), "{:?}", common::summary(&l));
        let s = &l.loaded.stack.services[0];
        prop_assert_eq!(&s.mode.value, &Mode::Replicated { replicas });
        prop_assert_eq!(*s.resources.reservations.nano_cpus, milli_cpus * 1_000_000);
        prop_assert_eq!(*s.resources.reservations.memory_bytes, mib << 20);
    }
}
