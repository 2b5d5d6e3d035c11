use swarmproof::diagnostics::SourceMap;
use swarmproof::loading::stack::{load_stack, StackOptions};

#[test]
fn dump() {
    for e in std::fs::read_dir("../shared/corpus").unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_none_or(|x| x != "yml") { continue; }
        let mut map = SourceMap::new();
        let id = map.add(p.display().to_string(), std::fs::read_to_string(&p).unwrap());
        let (stack, diags) = load_stack(&map, &[id], &StackOptions { name: "s".into(), ..Default::default() });
        println!("== {} : {} services", p.file_name().unwrap().to_string_lossy(), stack.services.len());
        for d in diags {
            let lc = d.primary_span().and_then(|s| map.line_col(s));
            println!("  {} {:?} {:?} {}", d.code.id, d.severity, lc, d.message);
        }
    }
}
