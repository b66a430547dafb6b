//! Reading Rust source for the layering test: comments and strings blanked
//! out, tokens with their lines, paths with their `use` groups expanded, and
//! the references a file makes to the crate root's children.

use std::collections::BTreeMap;

/// The module path of a file's own module, e.g. `io/validate/mod.rs` → `[io, validate]`,
/// `io/validate/sites.rs` → `[io, validate, sites]`, `lib.rs` → `[]` (used to resolve `super::`).
pub(crate) fn module_path_of(rel: &str) -> Vec<String> {
    let mut parts: Vec<String> = rel.split('/').map(str::to_string).collect();
    let last = parts.pop().unwrap_or_default();
    if last != "mod.rs" && last != "lib.rs" {
        parts.push(last.strip_suffix(".rs").unwrap_or(&last).to_string());
    }
    parts
}

/// Rust source with comments, strings and character literals blanked out
/// (each replaced by spaces, line breaks kept, so line numbers stay right).
fn strip(text: &str) -> String {
    let c: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let blank = |out: &mut String, s: &[char]| {
        for &ch in s {
            out.push(if ch == '\n' { '\n' } else { ' ' });
        }
    };
    let is_ident = |ch: char| ch.is_alphanumeric() || ch == '_';
    let mut i = 0;
    while i < c.len() {
        let prev_ident = i > 0 && is_ident(c[i - 1]);
        if c[i] == '/' && c.get(i + 1) == Some(&'/') {
            let end = c[i..].iter().position(|&ch| ch == '\n').map_or(c.len(), |p| i + p);
            blank(&mut out, &c[i..end]);
            i = end;
        } else if c[i] == '/' && c.get(i + 1) == Some(&'*') {
            // Block comments nest in Rust.
            let (mut depth, mut j) = (1, i + 2);
            while j < c.len() && depth > 0 {
                if c[j] == '/' && c.get(j + 1) == Some(&'*') {
                    depth += 1;
                    j += 2;
                } else if c[j] == '*' && c.get(j + 1) == Some(&'/') {
                    depth -= 1;
                    j += 2;
                } else {
                    j += 1;
                }
            }
            blank(&mut out, &c[i..j]);
            i = j;
        } else if let Some(end) = (!prev_ident).then(|| raw_string_end(&c, i)).flatten() {
            blank(&mut out, &c[i..end]);
            i = end;
        } else if c[i] == '"' {
            let mut j = i + 1;
            while j < c.len() && c[j] != '"' {
                j += if c[j] == '\\' { 2 } else { 1 };
            }
            let end = (j + 1).min(c.len());
            blank(&mut out, &c[i..end]);
            i = end;
        } else if c[i] == '\'' && c.get(i + 1) == Some(&'\\') {
            // An escaped character literal: '\n', '\'', '\u{1F600}'.
            let end = c[(i + 3).min(c.len())..].iter().position(|&ch| ch == '\'').map_or(c.len(), |p| i + 4 + p);
            blank(&mut out, &c[i..end]);
            i = end;
        } else if c[i] == '\'' && c.get(i + 2) == Some(&'\'') {
            blank(&mut out, &c[i..i + 3]);
            i += 3;
        } else {
            // Anything else, a lifetime `'a` included, is kept.
            out.push(c[i]);
            i += 1;
        }
    }
    out
}

/// If a raw or prefixed string literal (`r"…"`, `r#"…"#`, `b"…"`, `br#"…"#`,
/// `c"…"`) starts at `i`, the index just past it. Raw identifiers (`r#type`) are not strings.
fn raw_string_end(c: &[char], i: usize) -> Option<usize> {
    let mut j = i;
    if matches!(c.get(j), Some('b' | 'c')) {
        j += 1;
    }
    let raw = c.get(j) == Some(&'r');
    if raw {
        j += 1;
    }
    if j == i {
        return None;
    }
    let hashes = c[j..].iter().take_while(|&&ch| ch == '#').count();
    if c.get(j + hashes) != Some(&'"') || (!raw && hashes > 0) {
        return None;
    }
    let mut k = j + hashes + 1;
    while k < c.len() {
        if raw {
            if c[k] == '"' && c[k + 1..].iter().take(hashes).filter(|&&ch| ch == '#').count() == hashes {
                return Some(k + 1 + hashes);
            }
            k += 1;
        } else if c[k] == '\\' {
            k += 2;
        } else if c[k] == '"' {
            return Some(k + 1);
        } else {
            k += 1;
        }
    }
    Some(c.len())
}

/// A token of stripped source: an identifier (`$crate` is one), `::`, or one punctuation character.
#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Ident(String),
    PathSep,
    Punct(char),
}

/// The tokens of stripped source with their (1-based) line numbers. Number literals are dropped.
fn tokens(stripped: &str) -> Vec<(Tok, usize)> {
    let c: Vec<char> = stripped.chars().collect();
    let mut out = Vec::new();
    let (mut i, mut line) = (0, 1);
    let ident_char = |ch: char| ch.is_alphanumeric() || ch == '_';
    while i < c.len() {
        let ch = c[i];
        if ch == '\n' {
            line += 1;
            i += 1;
        } else if ch.is_whitespace() {
            i += 1;
        } else if ch.is_ascii_digit() {
            while i < c.len() && (ident_char(c[i]) || (c[i] == '.' && c.get(i + 1).is_some_and(char::is_ascii_digit))) {
                i += 1;
            }
        } else if ident_char(ch) || (ch == '$' && c.get(i + 1).is_some_and(|&n| ident_char(n))) {
            let start = i;
            i += 1;
            while i < c.len() && ident_char(c[i]) {
                i += 1;
            }
            let word: String = c[start..i].iter().collect();
            // A raw identifier `r#name` is the identifier `name`.
            if word == "r" && c.get(i) == Some(&'#') && c.get(i + 1).is_some_and(|&n| ident_char(n)) {
                continue;
            }
            out.push((Tok::Ident(word), line));
        } else if ch == ':' && c.get(i + 1) == Some(&':') {
            out.push((Tok::PathSep, line));
            i += 2;
        } else {
            out.push((Tok::Punct(ch), line));
            i += 1;
        }
    }
    out
}

/// One segment of a path: its name, line and token index.
type Seg = (String, usize, usize);

/// The paths of a path or `use` tree starting at token `i` (an identifier or
/// `{`), groups expanded: `a::{b, c::{d, e}}` gives `a::b`, `a::c::d`, `a::c::e`.
fn expand(t: &[(Tok, usize)], i: usize) -> Vec<Vec<Seg>> {
    match t.get(i) {
        Some((Tok::Punct('{'), _)) => {
            let mut leaves = Vec::new();
            let (mut j, mut depth) = (i + 1, 0usize);
            let mut item_start = true;
            while j < t.len() {
                match &t[j].0 {
                    Tok::Punct('{') => depth += 1,
                    Tok::Punct('}') if depth == 0 => break,
                    Tok::Punct('}') => depth -= 1,
                    Tok::Punct(',') if depth == 0 => {
                        item_start = true;
                        j += 1;
                        continue;
                    }
                    _ => {}
                }
                if item_start && depth == 0 {
                    leaves.extend(expand(t, j));
                }
                item_start = false;
                j += 1;
            }
            leaves
        }
        Some((Tok::Ident(name), line)) => {
            let seg = (name.clone(), *line, i);
            match (t.get(i + 1), t.get(i + 2)) {
                (Some((Tok::PathSep, _)), Some((Tok::Ident(_) | Tok::Punct('{'), _))) => expand(t, i + 2)
                    .into_iter()
                    .map(|mut rest| {
                        rest.insert(0, seg.clone());
                        rest
                    })
                    .collect(),
                _ => vec![vec![seg]],
            }
        }
        Some((Tok::Punct('*'), line)) => vec![vec![("*".to_string(), *line, i)]],
        _ => vec![],
    }
}

/// A reference from a file to a top-level item of the library: the line, the
/// path as written up to the item (`crate::io`, `super::super::Scenario`,
/// `demine::analysis`) and the item's name.
#[derive(Debug, PartialEq)]
pub(crate) struct Reference {
    pub line: usize,
    pub written: String,
    pub item: String,
}

/// Every reference in `text` (a file at `rel`, relative to `src/`) to a
/// top-level item of the library: the crate root's children reached by
/// `crate::`/`$crate::`, by `super::` chains that climb to the root, or (in
/// `src/bin`, a crate of its own) by `demine::`.
pub(crate) fn references(rel: &str, text: &str) -> Vec<Reference> {
    let t = tokens(&strip(text));
    let in_bin = rel.starts_with("bin/");
    let file_path = module_path_of(rel);
    let mut inline: Vec<(String, usize)> = Vec::new(); // inline `mod name {` and the brace depth inside it
    let mut depth = 0usize;
    let mut out = Vec::new();
    for i in 0..t.len() {
        match &t[i].0 {
            Tok::Punct('{') => depth += 1,
            Tok::Punct('}') => {
                if inline.last().is_some_and(|(_, d)| *d == depth) {
                    inline.pop();
                }
                depth = depth.saturating_sub(1);
            }
            Tok::Ident(w) if w == "mod" => {
                if let (Some((Tok::Ident(name), _)), Some((Tok::Punct('{'), _))) = (t.get(i + 1), t.get(i + 2)) {
                    inline.push((name.clone(), depth + 1));
                }
            }
            _ => {}
        }
        let Tok::Ident(word) = &t[i].0 else { continue };
        let starts_path = !matches!(t.get(i.wrapping_sub(1)), Some((Tok::PathSep, _)))
            && matches!(t.get(i + 1), Some((Tok::PathSep, _)));
        if !starts_path {
            continue;
        }
        // How many leading segments lead to the crate root.
        let to_root = |leaf: &[Seg]| -> Option<usize> {
            match leaf[0].0.as_str() {
                "demine" if in_bin => Some(1),
                "crate" | "$crate" if !in_bin => Some(1),
                "super" if !in_bin => {
                    let supers = leaf.iter().take_while(|s| s.0 == "super").count();
                    let here = file_path.len() + inline.len();
                    (supers == here).then_some(here)
                }
                _ => None,
            }
        };
        if !matches!(word.as_str(), "crate" | "$crate" | "super" | "demine") {
            continue;
        }
        let mut here = Vec::new();
        for leaf in expand(&t, i) {
            let Some(n) = to_root(&leaf) else { continue };
            let Some((item, line, _)) = leaf.get(n) else { continue };
            if item == "self" || item == "*" {
                continue;
            }
            let written: Vec<&str> = leaf[..=n].iter().map(|s| s.0.as_str()).collect();
            let r = Reference { line: *line, written: written.join("::"), item: item.clone() };
            // `use crate::io::{a, b}` names io once.
            if !here.contains(&r) {
                here.push(r);
            }
        }
        out.extend(here);
    }
    out
}

/// The names the crate root re-exports (`pub use error::{Error, …}` in
/// `src/lib.rs`) and the module each comes from.
pub(crate) fn root_reexports(lib_rs: &str) -> BTreeMap<String, String> {
    let t = tokens(&strip(lib_rs));
    let mut map = BTreeMap::new();
    for i in 0..t.len() {
        let is_pub_use =
            t[i].0 == Tok::Ident("use".into()) && i > 0 && matches!(&t[i - 1].0, Tok::Ident(w) if w == "pub");
        if !is_pub_use {
            continue;
        }
        for leaf in expand(&t, i + 1) {
            let (module, last) = (&leaf[0].0, &leaf[leaf.len() - 1]);
            // `pub use x::Name as Alias` exports `Alias`.
            let name = match (t.get(last.2 + 1), t.get(last.2 + 2)) {
                (Some((Tok::Ident(a), _)), Some((Tok::Ident(alias), _))) if a == "as" => alias,
                _ => &last.0,
            };
            map.insert(name.clone(), module.clone());
        }
    }
    map
}

/// The top-level modules `src/lib.rs` declares (`pub mod x;` / `mod x;`).
pub(crate) fn declared_modules(lib_rs: &str) -> Vec<String> {
    let t = tokens(&strip(lib_rs));
    t.windows(3)
        .filter_map(|w| match (&w[0].0, &w[1].0, &w[2].0) {
            (Tok::Ident(m), Tok::Ident(name), Tok::Punct(';')) if m == "mod" => Some(name.clone()),
            _ => None,
        })
        .collect()
}
