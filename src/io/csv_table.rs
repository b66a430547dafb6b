//! What every CSV table demine reads shares (inventories, programme records, completion
//! states, field results): one reader (header first, fields trimmed, an unclosed quote refused
//! where it opens), the header's columns by name with every missing one in one problem, and the
//! line numbers of records.

use super::disk::excerpt;
use crate::error::{Error, Problem, Result};
use std::collections::HashMap;

/// The header's columns by lower-case name; a missing required column or a
/// column named twice is a problem.
pub(crate) fn header_columns(
    file: &str,
    header: &csv::StringRecord,
    required: &[&str],
    problems: &mut Vec<Problem>,
) -> HashMap<String, usize> {
    let mut col: HashMap<String, usize> = HashMap::new();
    for (i, h) in header.iter().enumerate() {
        let name = h.to_ascii_lowercase();
        if let Some(&first) = col.get(&name) {
            problems.push(Problem::text(
                format!("{file}: line 1, column {} ({})", i + 1, excerpt(h)),
                format!("'{}'", excerpt(h)),
                format!("repeats the column at position {}; each column may appear once", first + 1),
            ));
        } else {
            col.insert(name, i);
        }
    }
    // Every missing column in one problem: the header is quoted once (cut), not once per column.
    let missing: Vec<String> = required.iter().filter(|n| !col.contains_key(**n)).map(|n| format!("`{n}`")).collect();
    if !missing.is_empty() {
        let what = if missing.len() == 1 {
            format!("the column {} is missing", missing[0])
        } else {
            format!("the columns {} are missing", missing.join(", "))
        };
        problems.push(Problem::text(
            format!("{file}: line 1"),
            format!("header [{}]", excerpt(&header.iter().collect::<Vec<_>>().join(", "))),
            format!("{what}; required: {}", required.join(", ")),
        ));
    }
    col
}

/// A reader of CSV `text` (named `file` in messages) as every table demine reads is read: header
/// first, fields trimmed, rows of any length (each reader names a short row). A quote that opens a
/// field and is never closed would make the rest of the file one field: it is refused here, with
/// the line and column where it opens.
///
/// # Errors
/// [`Error::InvalidScenario`] naming the unclosed quote.
pub(crate) fn csv_reader<'a>(text: &'a str, file: &str) -> Result<csv::Reader<&'a [u8]>> {
    if let Some((line, column)) = unclosed_quote(text) {
        return Err(Error::InvalidScenario {
            source_name: file.to_string(),
            problems: vec![Problem::text(
                format!("{file}: line {line}, column {column}"),
                "'\"'",
                "opens a quoted field that is never closed, so the rest of the file would be one field: \
                 close it (a quote inside a quoted field is written twice, \"\")",
            )],
        });
    }
    Ok(csv::ReaderBuilder::new().flexible(true).trim(csv::Trim::All).from_reader(text.as_bytes()))
}

/// Where a quoted field opens that no quote closes: (line, column), both from 1. A quote opens a
/// field only at its start (after spaces); inside a quoted field `""` is a quote.
pub(crate) fn unclosed_quote(text: &str) -> Option<(u64, usize)> {
    let (mut line, mut column) = (1u64, 1usize);
    let mut at_field_start = true;
    let mut open: Option<(u64, usize)> = None;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if open.is_some() {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                }
                '"' => open = None,
                '\n' => line += 1,
                _ => {}
            }
            continue;
        }
        match c {
            '"' if at_field_start => {
                open = Some((line, column));
                at_field_start = false;
            }
            ',' => {
                column += 1;
                at_field_start = true;
            }
            '\n' => {
                line += 1;
                column = 1;
                at_field_start = true;
            }
            ' ' | '\t' | '\r' => {}
            _ => at_field_start = false,
        }
    }
    open
}

/// Line numbers of CSV records from their byte offsets, counting `\r\n`, `\n`
/// and a lone `\r` each as one line break (the csv crate's own count is one
/// short for every record of a CRLF file).
pub(crate) struct Lines<'a> {
    text: &'a [u8],
    at: usize,
    line: u64,
}

impl<'a> Lines<'a> {
    /// A counter at the start of `text`.
    pub(crate) fn new(text: &'a str) -> Self {
        Lines { text: text.as_bytes(), at: 0, line: 1 }
    }

    /// The 1-based line on which the record starting at `byte` starts; records
    /// must be asked for in file order.
    pub(crate) fn line_of(&mut self, byte: u64) -> u64 {
        let t = self.text;
        let mut b = usize::try_from(byte).unwrap_or(usize::MAX).min(t.len()).max(self.at);
        // A record's reported start may sit on the rest of the line break before it.
        while b < t.len() && (t[b] == b'\r' || t[b] == b'\n') {
            b += 1;
        }
        for i in self.at..b {
            if t[i] == b'\n' || (t[i] == b'\r' && t.get(i + 1) != Some(&b'\n')) {
                self.line += 1;
            }
        }
        self.at = b;
        self.line
    }
}
