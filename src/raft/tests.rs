use super::*;

#[test]
fn probe() {
    for v in Variant::ALL {
        let m = RaftModel::new(3, v.bounds(), Some(v)).unwrap();
        let t = std::time::Instant::now();
        let bfs = shortest_counterexample(&m, v.breaks(), 5_000_000);
        println!(
            "{v}: bfs {:?} steps in {:?}",
            bfs.as_ref().map(|t| t.steps.len()),
            t.elapsed()
        );
        if let Some(tr) = &bfs {
            println!("{}", render_timeline(&m, tr));
        }
    }
}
