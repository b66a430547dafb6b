//! The commands quoted in README.md and docs/*.md, run: every fenced `text` block whose lines start
//! with `$ demine ...` is a transcript. Each command runs (from the project's root, with the built
//! binary) and what the block shows under it must appear in what it prints (standard output then
//! standard error), line by line and in order; a line `...` stands for any number of lines left
//! out. So a model change that moves a documented number fails here until the docs are updated.
//!
//! `DEMINE_DOCS_ONLY=README` runs only the blocks of files whose name contains that text.

use std::path::PathBuf;
use std::process::Command;

/// One quoted command and the lines shown under it.
#[derive(Debug)]
struct Transcript {
    file: String,
    line: usize,
    args: Vec<String>,
    expected: Vec<String>,
}

/// Splits a command line as a POSIX shell would for the quoting the docs use ('...' and "...").
fn split(command: &str) -> Vec<String> {
    let mut args = Vec::new();
    let mut current = String::new();
    let mut quote: Option<char> = None;
    let mut any = false;
    for ch in command.chars() {
        match (quote, ch) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => current.push(c),
            (None, '\'' | '"') => {
                quote = Some(ch);
                any = true;
            }
            (None, c) if c.is_whitespace() => {
                if any || !current.is_empty() {
                    args.push(std::mem::take(&mut current));
                    any = false;
                }
            }
            (None, c) => current.push(c),
        }
    }
    if any || !current.is_empty() {
        args.push(current);
    }
    args
}

/// The transcripts of one markdown file.
fn transcripts(file: &str, text: &str) -> Vec<Transcript> {
    let mut out = Vec::new();
    let mut in_text = false;
    let mut current: Option<Transcript> = None;
    for (i, line) in text.lines().enumerate() {
        if line.starts_with("```") {
            if in_text {
                out.extend(current.take());
            }
            in_text = line.trim() == "```text";
            continue;
        }
        if !in_text {
            continue;
        }
        if let Some(command) = line.strip_prefix("$ demine ") {
            out.extend(current.take());
            current = Some(Transcript { file: file.into(), line: i + 1, args: split(command), expected: Vec::new() });
        } else if let Some(t) = current.as_mut() {
            t.expected.push(line.trim_end().to_string());
        }
    }
    out
}

/// Whether `expected` (with `...` for left-out lines) appears in `actual`. Without a `...`
/// between two lines they must follow each other; the block may start and end anywhere.
fn matches(expected: &[String], actual: &[&str]) -> Result<(), String> {
    let expected: Vec<&String> = expected.iter().filter(|l| !l.is_empty()).collect();
    let actual: Vec<&str> = actual.iter().map(|l| l.trim_end()).filter(|l| !l.is_empty()).collect();
    let mut at = 0;
    let mut gap = true;
    for want in expected {
        if want.as_str() == "..." {
            gap = true;
            continue;
        }
        let found = if gap {
            actual[at..].iter().position(|l| l == want).map(|k| at + k)
        } else {
            (actual.get(at) == Some(&want.as_str())).then_some(at)
        };
        match found {
            Some(k) => {
                at = k + 1;
                gap = false;
            }
            None => {
                let near = actual.get(at).copied().unwrap_or("(end of output)");
                return Err(format!("expected\n  {want}\nnext printed line\n  {near}"));
            }
        }
    }
    Ok(())
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn documents() -> Vec<PathBuf> {
    let mut files = vec![root().join("README.md")];
    let mut docs: Vec<PathBuf> = std::fs::read_dir(root().join("docs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    docs.sort();
    files.extend(docs);
    files
}

fn run(t: &Transcript) -> Result<(), String> {
    let out = Command::new(env!("CARGO_BIN_EXE_demine"))
        .args(&t.args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .output()
        .map_err(|e| format!("could not run: {e}"))?;
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    let lines: Vec<&str> = text.lines().collect();
    matches(&t.expected, &lines).map_err(|e| format!("{e}\n--- printed ---\n{text}"))
}

#[test]
fn the_documented_commands_print_what_the_docs_show() {
    // Documented commands write to target/ (docs/UPDATE.md); with CARGO_TARGET_DIR elsewhere it
    // may not exist in the checkout.
    std::fs::create_dir_all(root().join("target")).unwrap();
    let only = std::env::var("DEMINE_DOCS_ONLY").ok();
    let mut all = Vec::new();
    for path in documents() {
        let name = path.strip_prefix(root()).unwrap_or(&path).display().to_string();
        if only.as_deref().is_some_and(|o| !name.contains(o)) {
            continue;
        }
        all.extend(transcripts(&name, &std::fs::read_to_string(&path).unwrap()));
    }
    assert!(only.is_some() || all.len() >= 10, "found only {} transcripts", all.len());
    let failures: Vec<String> = all
        .iter()
        .filter_map(|t| run(t).err().map(|e| format!("{}:{} $ demine {}\n{e}", t.file, t.line, t.args.join(" "))))
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} documented commands differ:\n\n{}",
        failures.len(),
        all.len(),
        failures.join("\n\n")
    );
}

#[test]
fn the_matcher_reads_gaps_and_order() {
    let exp = |s: &str| s.lines().map(String::from).collect::<Vec<_>>();
    let actual = ["a", "b", "c", "d"];
    assert!(matches(&exp("a\nb"), &actual).is_ok());
    assert!(matches(&exp("b\nc"), &actual).is_ok(), "a block may start anywhere");
    assert!(matches(&exp("a\n...\nd"), &actual).is_ok());
    assert!(matches(&exp("a\nc"), &actual).is_err(), "lines left out need `...`");
    assert!(matches(&exp("b\na"), &actual).is_err(), "order counts");
    assert!(matches(&exp("a\nx"), &actual).is_err());
    assert_eq!(
        split(r#"run ukraine --set 'a={x="y z"}' --name "Double teams""#),
        ["run", "ukraine", "--set", r#"a={x="y z"}"#, "--name", "Double teams"]
    );
    let t = transcripts("x.md", "```text\n$ demine run a\nline 1\n...\nline 2\n```\n```sh\n$ demine no\n```\n");
    assert_eq!(t.len(), 1);
    assert_eq!(t[0].expected, ["line 1", "...", "line 2"]);
}
