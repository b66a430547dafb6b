//! The modules depend on each other one way (docs/ARCHITECTURE.md):
//!
//! ```text
//! error ← sampling ← stats ← model ← { io, simulate } ← analysis ← report ← bin
//! ```
//!
//! Each layer may use the layers to its left, never those to its right; `io`
//! and `simulate` are siblings and use neither each other. `cargo` enforces
//! none of this, so this test does: it reads every `.rs` file under `src/`,
//! finds which top-level module the file belongs to, and checks every path
//! that names another top-level module: `crate::X…` (including nested `use
//! crate::{a::b, c::{d, e}}` groups and `$crate::`), `super::` chains that
//! climb to the crate root, and `demine::X…` in `src/bin`. A name the crate
//! root re-exports (`crate::Error`, `crate::Scenario`, …) counts as the module
//! `src/lib.rs` takes it from. Comments (doc comments and their examples
//! included) and string literals are not code and are skipped: an intra-doc
//! link such as ``[`crate::analysis::compare`]`` in `src/model` is not a
//! dependency. Code under `#[cfg(test)]` is checked like any other.
//!
//! Known breaches of the rule are listed in [`EXCEPTIONS`], each with its
//! reason; an exception that no longer matches anything fails the test too, so
//! the list stays exact.

#[path = "layering/scan.rs"]
mod scan;

use scan::{declared_modules, references, root_reexports};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The layers, left to right: a module may use only modules of a smaller rank.
/// Modules of the same rank (`io`, `simulate`) are siblings and may not use each other.
const LAYERS: &[(&str, usize)] = &[
    ("error", 0),
    ("observe", 1),
    ("sampling", 1),
    ("stats", 2),
    ("model", 3),
    ("io", 4),
    ("simulate", 4),
    ("analysis", 5),
    ("report", 6),
    ("bin", 7),
];

/// Breaches of the layering that are known and accepted, as
/// (file relative to the crate, module it names, why). Keep it short and exact:
/// every entry must still match at least one reference.
const EXCEPTIONS: &[(&str, &str, &str)] = &[(
    "src/simulate/merge.rs",
    "io",
    "test module only: the merge tests load the bundled `ukraine-2024` scenario with `crate::io::load_scenario`",
)];

/// The module a file under `src/` belongs to (`src/lib.rs` is `root`), from its
/// path relative to `src/` with `/` separators.
fn module_of(rel: &str) -> String {
    if rel == "lib.rs" {
        return "root".into();
    }
    let first = rel.split('/').next().unwrap_or(rel);
    first.strip_suffix(".rs").unwrap_or(first).to_string()
}

/// The rank of a module in [`LAYERS`] (`None` for the crate root and unknown names).
fn rank(module: &str) -> Option<usize> {
    LAYERS.iter().find(|(m, _)| *m == module).map(|(_, r)| *r)
}

/// What `module` may use, for the message: "error, sampling" or "no other module".
fn allowed(module: &str) -> String {
    let r = rank(module).unwrap_or(0);
    let names: Vec<&str> = LAYERS.iter().filter(|(_, k)| *k < r).map(|(m, _)| *m).collect();
    if names.is_empty() { "no other module".into() } else { format!("only {}", names.join(", ")) }
}

/// A reference that breaks the layering: the message and the (file, module) pair [`EXCEPTIONS`] matches on.
struct Breach {
    message: String,
    file: String,
    target: String,
}

/// Checks one file's text: every breach of the layering in it (exceptions not applied).
/// `rel` is the path relative to `src/`, `modules` the top-level modules `src/lib.rs` declares.
fn check_file(rel: &str, text: &str, modules: &[String], reexports: &BTreeMap<String, String>) -> Vec<Breach> {
    let from = module_of(rel);
    let file = format!("src/{rel}");
    let mut out = Vec::new();
    if from == "root" {
        return out; // The crate root declares every module and re-exports from them.
    }
    let Some(from_rank) = rank(&from) else {
        out.push(Breach {
            message: format!(
                "{file}: module `{from}` has no place in the layering (add it to LAYERS and docs/ARCHITECTURE.md)"
            ),
            file,
            target: from,
        });
        return out;
    };
    for r in references(rel, text) {
        let (target, via) = if modules.contains(&r.item) {
            (r.item.clone(), String::new())
        } else if let Some(m) = reexports.get(&r.item) {
            (m.clone(), format!(" (re-exported from {m})"))
        } else {
            out.push(Breach {
                message: format!(
                    "{file}:{} names {}, which is neither a module of the crate nor a re-export of src/lib.rs \
                     the checker knows",
                    r.line, r.written
                ),
                file: file.clone(),
                target: r.item.clone(),
            });
            continue;
        };
        if target == from {
            continue;
        }
        let ok = rank(&target).is_some_and(|t| t < from_rank);
        if !ok {
            let sibling = if rank(&target) == Some(from_rank) {
                format!(" ({from} and {target} are siblings)")
            } else {
                String::new()
            };
            out.push(Breach {
                message: format!(
                    "{file}:{} imports {}{via}: {from} may use {}{sibling}",
                    r.line,
                    r.written,
                    allowed(&from)
                ),
                file: file.clone(),
                target,
            });
        }
    }
    out
}

/// Every `.rs` file under `dir`, as paths relative to `root` with `/` separators, sorted.
fn rust_files(root: &Path, dir: &Path, out: &mut Vec<String>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            rust_files(root, &p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            let rel =
                p.strip_prefix(root).unwrap().components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>();
            out.push(rel.join("/"));
        }
    }
}

#[test]
fn modules_depend_one_way_as_docs_architecture_says() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let lib_rs = std::fs::read_to_string(src.join("lib.rs")).unwrap();
    let modules = declared_modules(&lib_rs);
    let reexports = root_reexports(&lib_rs);
    let mut problems = Vec::new();
    for m in &modules {
        if rank(m).is_none() {
            problems.push(format!("src/lib.rs declares module `{m}`, which has no place in the layering"));
        }
    }
    let mut files = Vec::new();
    rust_files(&src, &src, &mut files);
    let (mut used, mut seen) = (vec![false; EXCEPTIONS.len()], 0);
    for rel in &files {
        let text = std::fs::read_to_string(src.join(rel)).unwrap();
        seen += references(rel, &text).len();
        for b in check_file(rel, &text, &modules, &reexports) {
            match EXCEPTIONS.iter().position(|(f, m, _)| *f == b.file && *m == b.target) {
                Some(k) => used[k] = true,
                None => problems.push(b.message),
            }
        }
    }
    for (k, (f, m, why)) in EXCEPTIONS.iter().enumerate() {
        if !used[k] {
            problems.push(format!("exception ({f} may name {m}: {why}) matches nothing any more: remove it"));
        }
    }
    // Guard against a checker that silently finds nothing.
    assert!(files.len() > 50 && seen > 100, "only {} files and {seen} references found under src/", files.len());
    let mut msg = String::new();
    for p in &problems {
        writeln!(msg, "{p}").unwrap();
    }
    assert!(problems.is_empty(), "the layering of docs/ARCHITECTURE.md is broken:\n{msg}");
}

/// The checker on fake files: what it must catch and what it must let pass.
mod checker {
    use super::scan::module_path_of;
    use super::*;

    fn modules() -> Vec<String> {
        ["analysis", "error", "io", "model", "report", "sampling", "simulate", "stats"].map(String::from).to_vec()
    }

    fn reexports() -> BTreeMap<String, String> {
        root_reexports(
            "pub mod error;\npub use error::{Error, Problem};\npub use simulate::{Run, SimConfig as Config};",
        )
    }

    fn messages(rel: &str, text: &str) -> Vec<String> {
        check_file(rel, text, &modules(), &reexports()).into_iter().map(|b| b.message).collect()
    }

    #[test]
    fn catches_a_module_using_one_to_its_right() {
        let text = "//! Stats.\n\nuse crate::error::Error;\nuse crate::sampling::Dist;\n\nfn f() {\n    let r = crate::simulate::Run::new();\n}\n";
        assert_eq!(
            messages("stats/x.rs", text),
            ["src/stats/x.rs:7 imports crate::simulate: stats may use only error, observe, sampling"]
        );
    }

    #[test]
    fn catches_siblings_and_nested_groups_on_their_own_lines() {
        let text = "use crate::{\n    error::{Error, Result},\n    model::{Scenario, kinds::{Method}},\n    simulate::Run,\n};\n";
        assert_eq!(
            messages("io/validate/sites.rs", text),
            [
                "src/io/validate/sites.rs:4 imports crate::simulate: io may use only error, observe, sampling, stats, model \
              (io and simulate are siblings)"
            ]
        );
    }

    #[test]
    fn catches_a_reexport_super_chains_to_the_root_and_macro_paths() {
        // `crate::Run` is simulate's; two `super`s from src/model/a.rs (module model::a) reach the root,
        // one stays in model.
        let text = "use crate::Run;\nuse super::super::report::x;\nmacro_rules! m { () => { $crate::analysis::f() } }\n\
                    use super::kinds::Method;\nuse super::super::{error::Error, io::{file, write}};\n";
        assert_eq!(
            messages("model/a.rs", text),
            [
                "src/model/a.rs:1 imports crate::Run (re-exported from simulate): model may use only error, observe, sampling, stats",
                "src/model/a.rs:2 imports super::super::report: model may use only error, observe, sampling, stats",
                "src/model/a.rs:3 imports $crate::analysis: model may use only error, observe, sampling, stats",
                "src/model/a.rs:5 imports super::super::io: model may use only error, observe, sampling, stats",
            ]
        );
        // An inline module adds a level: inside `mod tests { }` of src/model/mod.rs, `super::super` is the root.
        let text =
            "fn f() {}\n#[cfg(test)]\nmod tests {\n    use super::super::io;\n    use super::f;\n}\nuse super::io;\n";
        assert_eq!(
            messages("model/mod.rs", text),
            [
                "src/model/mod.rs:4 imports super::super::io: model may use only error, observe, sampling, stats",
                "src/model/mod.rs:7 imports super::io: model may use only error, observe, sampling, stats",
            ]
        );
    }

    #[test]
    fn error_may_use_nothing_and_an_unknown_root_item_is_reported() {
        assert_eq!(
            messages("error.rs", "use crate::sampling::Dist;\nfn f() -> crate::Mystery {}\n"),
            [
                "src/error.rs:1 imports crate::sampling: error may use no other module",
                "src/error.rs:2 names crate::Mystery, which is neither a module of the crate nor a re-export of \
                 src/lib.rs the checker knows",
            ]
        );
    }

    #[test]
    fn lets_allowed_paths_comments_strings_and_visibility_pass() {
        let text = r##"//! See [`crate::analysis::compare`] and `demine::io::load_scenario`.
/* crate::report::x /* nested */ crate::report::y */
use crate::{Error, Problem, Config};
use crate::error::{self, Result};
use crate::simulate::*;
pub(crate) fn f() -> &'static str { "crate::report::x" }
pub(in crate::analysis) fn g() -> char { let _ = '"'; let _ = '\''; let _ = r#"crate::io"#; 'x' }
fn h<'a>(x: &'a str) -> &'a str { crate::model::Scenario::new(); x }
mod tests { use super::*; use crate::stats::summary; }
"##;
        assert_eq!(messages("analysis/x.rs", text), Vec::<String>::new());
        let found: Vec<String> = references("analysis/x.rs", text).into_iter().map(|r| r.written).collect();
        assert_eq!(
            found,
            [
                "crate::Error",
                "crate::Problem",
                "crate::Config",
                "crate::error",
                "crate::simulate",
                "crate::analysis",
                "crate::model",
                "crate::stats"
            ]
        );
    }

    #[test]
    fn the_binary_is_read_through_demine_paths() {
        let text = "use demine::{Error, analysis::{self, compare}};\nuse crate::args;\nuse super::checks;\n";
        let found: Vec<(usize, String)> =
            references("bin/demine/x.rs", text).into_iter().map(|r| (r.line, r.written)).collect();
        assert_eq!(found, [(1, "demine::Error".to_string()), (1, "demine::analysis".to_string())]);
        assert!(messages("bin/demine/x.rs", text).is_empty());
    }

    #[test]
    fn files_map_to_their_modules() {
        assert_eq!(module_of("lib.rs"), "root");
        assert_eq!(module_of("error.rs"), "error");
        assert_eq!(module_of("sampling/dist/beta.rs"), "sampling");
        assert_eq!(module_of("bin/demine/args.rs"), "bin");
        assert_eq!(module_path_of("io/validate/mod.rs"), ["io", "validate"]);
        assert_eq!(module_path_of("io/validate/sites.rs"), ["io", "validate", "sites"]);
        assert!(module_path_of("lib.rs").is_empty());
        assert_eq!(
            messages("plugins/x.rs", ""),
            [
                "src/plugins/x.rs: module `plugins` has no place in the layering (add it to LAYERS and docs/ARCHITECTURE.md)"
            ]
        );
    }
}

/// The default engine's trial is one-way stages (docs/ARCHITECTURE.md, `src/simulate/trial/mod.rs`):
/// each stage file may use only the stages before it (`mod.rs`, the driver, runs them all).
const TRIAL_STAGES: &[(&str, usize)] = &[
    ("params", 1),
    ("bill", 2),
    ("plan", 3),
    ("schedule", 4),
    ("site_pass", 5),
    ("programme", 6),
    ("years", 7),
    ("aggregate", 7),
    ("outputs", 8),
];

#[test]
fn the_trial_stages_depend_one_way() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/simulate/trial");
    let stage = |name: &str| TRIAL_STAGES.iter().find(|(n, _)| *n == name).map(|(_, r)| *r);
    let mut breaches = Vec::new();
    let mut seen = 0;
    for (file, own) in TRIAL_STAGES {
        let text = std::fs::read_to_string(dir.join(format!("{file}.rs"))).unwrap();
        for (i, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            for (at, _) in code.match_indices("super::") {
                let name: String = code[at + 7..].chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                match stage(&name) {
                    Some(r) if r >= *own && name != *file => breaches.push(format!(
                        "src/simulate/trial/{file}.rs:{} uses `{name}`, a stage that is not before it",
                        i + 1
                    )),
                    Some(_) => seen += 1,
                    None if name.is_empty() || name.chars().next().is_some_and(char::is_uppercase) => {}
                    None => breaches.push(format!(
                        "src/simulate/trial/{file}.rs:{} uses `super::{name}`: the driver (mod.rs) is not a stage",
                        i + 1
                    )),
                }
            }
        }
    }
    assert!(breaches.is_empty(), "{}", breaches.join("\n"));
    assert!(seen >= 10, "only {seen} references between stages found: is the scan reading the files?");
}
