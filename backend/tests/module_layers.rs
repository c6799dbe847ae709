//! The backend's top-level modules import one another without cycles: each
//! `crate::<module>` named in a module's files is an edge, and the graph must
//! have no strongly connected component larger than one module. A cycle
//! means two modules can only be understood (and changed) together.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn rust_files(path: &Path, out: &mut Vec<PathBuf>) {
    if path.is_dir() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
            .expect("read dir")
            .map(|e| e.expect("entry").path())
            .collect();
        entries.sort();
        for p in entries {
            rust_files(&p, out);
        }
    } else if path.extension().is_some_and(|e| e == "rs") {
        out.push(path.to_path_buf());
    }
}

/// Module -> the modules it names, with one file that names each.
fn graph(src: &Path) -> BTreeMap<String, BTreeMap<String, String>> {
    let mut modules = BTreeMap::new();
    for entry in std::fs::read_dir(src).expect("src") {
        let path = entry.expect("entry").path();
        let name = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_string();
        if name == "main" || name == "lib" || name.is_empty() {
            continue;
        }
        modules
            .entry(name)
            .or_insert_with(Vec::new)
            .push(path.clone());
    }
    let names: BTreeSet<String> = modules.keys().cloned().collect();
    let mut edges = BTreeMap::new();
    for (module, paths) in &modules {
        let mut files = vec![];
        for p in paths {
            rust_files(p, &mut files);
        }
        let mut out: BTreeMap<String, String> = BTreeMap::new();
        for f in files {
            let text = std::fs::read_to_string(&f).expect("source");
            for (i, _) in text.match_indices("crate::") {
                let rest = &text[i + "crate::".len()..];
                let target: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                if target != *module && names.contains(&target) {
                    out.entry(target)
                        .or_insert_with(|| f.strip_prefix(src).unwrap_or(&f).display().to_string());
                }
            }
        }
        edges.insert(module.clone(), out);
    }
    edges
}

/// Tarjan's strongly connected components.
fn components(edges: &BTreeMap<String, BTreeMap<String, String>>) -> Vec<Vec<String>> {
    struct T<'a> {
        edges: &'a BTreeMap<String, BTreeMap<String, String>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on: BTreeSet<&'a str>,
        next: usize,
        out: Vec<Vec<String>>,
    }
    fn visit<'a>(t: &mut T<'a>, v: &'a str) {
        t.index.insert(v, t.next);
        t.low.insert(v, t.next);
        t.next += 1;
        t.stack.push(v);
        t.on.insert(v);
        let targets: Vec<&'a str> = t.edges[v].keys().map(String::as_str).collect();
        for w in targets {
            if !t.index.contains_key(w) {
                visit(t, w);
                let lw = t.low[w];
                let lv = t.low[v];
                t.low.insert(v, lv.min(lw));
            } else if t.on.contains(w) {
                let iw = t.index[w];
                let lv = t.low[v];
                t.low.insert(v, lv.min(iw));
            }
        }
        if t.low[v] == t.index[v] {
            let mut c = vec![];
            while let Some(w) = t.stack.pop() {
                t.on.remove(w);
                c.push(w.to_string());
                if w == v {
                    break;
                }
            }
            t.out.push(c);
        }
    }
    let mut t = T {
        edges,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: vec![],
        on: BTreeSet::new(),
        next: 0,
        out: vec![],
    };
    for v in edges.keys() {
        if !t.index.contains_key(v.as_str()) {
            visit(&mut t, v);
        }
    }
    t.out
}

#[test]
fn backend_modules_import_without_cycles() {
    // The run-time variable first: a test binary built by another clone
    // sharing the target directory must read this clone's sources.
    let dir = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    let src = dir.join("src");
    let edges = graph(&src);
    assert!(edges.len() > 8, "modules not found under {}", src.display());
    let cycles: Vec<String> = components(&edges)
        .into_iter()
        .filter(|c| c.len() > 1)
        .map(|c| {
            let set: BTreeSet<&String> = c.iter().collect();
            let mut lines = vec![format!("cycle among {c:?}:")];
            for a in &c {
                for (b, file) in &edges[a] {
                    if set.contains(b) {
                        lines.push(format!("  {a} -> {b} (e.g. {file})"));
                    }
                }
            }
            lines.join("\n")
        })
        .collect();
    assert!(cycles.is_empty(), "{}", cycles.join("\n"));
}

#[test]
fn the_check_sees_a_cycle() {
    let mut edges = BTreeMap::new();
    let edge = |to: &str| BTreeMap::from([(to.to_string(), "f.rs".to_string())]);
    edges.insert("a".to_string(), edge("b"));
    edges.insert("b".to_string(), edge("c"));
    edges.insert("c".to_string(), edge("a"));
    edges.insert("d".to_string(), edge("a"));
    let big: Vec<Vec<String>> = components(&edges)
        .into_iter()
        .filter(|c| c.len() > 1)
        .collect();
    assert_eq!(big.len(), 1);
    assert_eq!(big[0].len(), 3);
}
