//! The notes beside each input in a scenario file: the comment at the end of
//! the line that sets it, or else the comment block just above that line.

/// One section of a TOML file: its path (`methods.manual`, `regions[2]`,
/// `regions[2].capacity`) and its lines.
struct Section {
    path: String,
    lines: std::ops::Range<usize>,
}

/// For each input path (`methods.manual.productivity_m2_per_team_day`,
/// `regions[0].strata[0].barrier.share_mined`), the note the scenario file
/// gives beside it, if any. Best effort: a key set on a line of the input's
/// section is found by name; comments are stripped of `#`.
#[must_use]
pub fn source_notes(text: &str, inputs: &[String]) -> Vec<Option<String>> {
    let lines: Vec<&str> = text.lines().collect();
    let sections = sections(&lines);
    inputs
        .iter()
        .map(|input| {
            let sec = sections
                .iter()
                .filter(|s| s.path.is_empty() || input == &s.path || input.starts_with(&format!("{}.", s.path)))
                .max_by_key(|s| s.path.len())?;
            if input == &sec.path {
                // The input is a table of its own (`[land_release.cancelled_fraction]` with
                // `dist = ...` lines): the note is beside or above its header.
                let header = sec.lines.start.checked_sub(1)?;
                return trailing_comment(lines[header]).or_else(|| comment_above(&lines, header));
            }
            let rest = if sec.path.is_empty() { input.as_str() } else { &input[sec.path.len() + 1..] };
            let segs: Vec<&str> = rest.split('.').map(|s| s.split('[').next().unwrap_or(s)).collect();
            let last = *segs.last()?;
            let line = sec
                .lines
                .clone()
                .filter(|&i| sets(lines[i], last))
                .max_by_key(|&i| segs.iter().filter(|s| lines[i].contains(*s)).count())?;
            trailing_comment(lines[line]).or_else(|| comment_above(&lines, line))
        })
        .collect()
}

/// Whether `line` sets `key` (`key =` at a word boundary, outside a comment).
fn sets(line: &str, key: &str) -> bool {
    let code = line.split('#').next().unwrap_or("");
    let mut from = 0;
    while let Some(i) = code[from..].find(key) {
        let at = from + i;
        let before = code[..at].chars().next_back();
        let after = code[at + key.len()..].trim_start();
        if before.is_none_or(|c| !(c.is_alphanumeric() || c == '_')) && after.starts_with('=') {
            return true;
        }
        from = at + key.len();
    }
    false
}

/// The comment at the end of a line, outside strings (`x = 1   # [SRC]`).
fn trailing_comment(line: &str) -> Option<String> {
    let mut in_str = false;
    for (i, c) in line.char_indices() {
        match c {
            '"' => in_str = !in_str,
            '#' if !in_str => {
                if line[..i].trim().is_empty() {
                    return None;
                }
                let note = line[i + 1..].trim();
                return (!note.is_empty()).then(|| note.to_string());
            }
            _ => {}
        }
    }
    None
}

/// The block of comment lines directly above `line` (at most 8), joined.
fn comment_above(lines: &[&str], line: usize) -> Option<String> {
    let mut block = Vec::new();
    let mut i = line;
    while i > 0 && block.len() < 8 {
        i -= 1;
        let l = lines[i].trim();
        match l.strip_prefix('#') {
            Some(c) => block.push(c.trim()),
            None => break,
        }
    }
    block.reverse();
    let note = block.join(" ");
    (!note.trim().is_empty()).then_some(note)
}

/// The file's sections in order; `[[name]]` tables are numbered (`regions[2]`)
/// and a later `[name.sub]` belongs to the last `[[name]]`.
fn sections(lines: &[&str]) -> Vec<Section> {
    let mut out = vec![Section { path: String::new(), lines: 0..0 }];
    let mut counts: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for (i, l) in lines.iter().enumerate() {
        let t = l.trim();
        let header = if let Some(h) = t.strip_prefix("[[").and_then(|h| h.split("]]").next()) {
            let name = h.trim().to_string();
            let n = counts.entry(name.clone()).or_insert(0);
            *n += 1;
            Some(format!("{name}[{}]", *n - 1))
        } else if let Some(h) = t.strip_prefix('[').and_then(|h| h.split(']').next()) {
            let name = h.trim();
            // `[regions.capacity]` after the third `[[regions]]` is `regions[2].capacity`.
            let owner = counts.iter().filter(|(k, _)| name.starts_with(&format!("{k}."))).max_by_key(|(k, _)| k.len());
            Some(match owner {
                Some((k, n)) => format!("{k}[{}]{}", n - 1, &name[k.len()..]),
                None => name.to_string(),
            })
        } else {
            None
        };
        if let Some(path) = header {
            if let Some(last) = out.last_mut() {
                last.lines.end = i;
            }
            out.push(Section { path, lines: i + 1..i + 1 });
        }
    }
    if let Some(last) = out.last_mut() {
        last.lines.end = lines.len();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_come_from_the_line_or_the_block_above() {
        let text = "\
name = \"x\"   # the name
[land_release]
# Share cancelled by NTS
# [MOD-UA-2024-OUTCOMES]
cancelled_fraction = { dist = \"pert\", min = 0.7, mode = 0.8, max = 0.9 }
reduced_fraction = 0.5   # ASSUMPTION
[capacity]
teams.manual = { initial = 100 }   # [GICHD-UA]
[[regions]]
name = \"A\"
strata = [{ hazard = \"mines\", suspected_area_km2 = 10 }]
[[regions]]
name = \"B\"
strata = [{ hazard = \"mines\", suspected_area_km2 = 20 }]   # [B-SURVEY]
[regions.capacity]
teams.manual = { initial = 3 }   # B's teams
# The stock at the start [STOCK]
[suspected_area_km2]
dist = \"pert\"
[methods.manual.cost]   # its own table
dist = \"fixed\"
";
        let inputs: Vec<String> = [
            "land_release.cancelled_fraction",
            "land_release.reduced_fraction",
            "capacity.teams.manual.initial",
            "regions[1].strata[0].suspected_area_km2",
            "regions[1].capacity.teams.manual.initial",
            "regions[0].strata[0].suspected_area_km2",
            "methods.manual.productivity",
            "suspected_area_km2",
            "methods.manual.cost",
        ]
        .iter()
        .map(|s| (*s).to_string())
        .collect();
        let n = source_notes(text, &inputs);
        assert_eq!(n[0].as_deref(), Some("Share cancelled by NTS [MOD-UA-2024-OUTCOMES]"));
        assert_eq!(n[1].as_deref(), Some("ASSUMPTION"));
        assert_eq!(n[2].as_deref(), Some("[GICHD-UA]"));
        assert_eq!(n[3].as_deref(), Some("[B-SURVEY]"));
        assert_eq!(n[4].as_deref(), Some("B's teams"));
        assert_eq!(n[5], None);
        assert_eq!(n[6], None);
        assert_eq!(n[7].as_deref(), Some("The stock at the start [STOCK]"));
        assert_eq!(n[8].as_deref(), Some("its own table"));
    }
}
