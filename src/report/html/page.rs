//! The page skeleton: one style sheet inline, no script, A4 print rules.

/// The style sheet: readable on screen, A4 in print, figures never split.
const CSS: &str = "
body { font-family: 'Segoe UI', 'Helvetica Neue', Arial, sans-serif; color: #1b1b1b; max-width: 190mm;
       margin: 1.5em auto; padding: 0 1em; line-height: 1.45; }
h1 { font-size: 1.7em; margin-bottom: 0.2em; } h2 { border-bottom: 2px solid #0072B2; padding-bottom: 0.15em; }
p.headline { font-size: 1.1em; background: #f3f7fb; border-left: 4px solid #0072B2; padding: 0.6em 0.9em; }
figure { margin: 1.2em 0; break-inside: avoid; page-break-inside: avoid; }
figure svg { width: 100%; height: auto; display: block; }
figcaption { font-size: 0.9em; color: #444; margin-top: 0.3em; }
table { border-collapse: collapse; width: 100%; font-size: 0.85em; margin: 0.8em 0; }
th, td { border-bottom: 1px solid #ddd; padding: 0.25em 0.4em; text-align: left; vertical-align: top; }
table.figures td:nth-child(n+3), table.regions td:nth-child(n+2) { text-align: right; white-space: nowrap; }
table.key td:nth-child(n+2), table.key th:nth-child(n+2) { text-align: right; }
table.compare { font-size: 0.75em; table-layout: fixed; word-wrap: break-word; }
table.compare td:first-child { word-break: break-all; }
code { font-size: 0.85em; color: #555; word-break: break-all; }
@page { size: A4; margin: 12mm; }
@media print { body { max-width: none; margin: 0; padding: 0; } h2 { break-after: avoid; } }
";

/// An HTML page being built.
#[derive(Clone, Debug)]
pub struct Page {
    body: String,
    title: String,
    figures: usize,
}

impl Page {
    /// A page titled `title`.
    #[must_use]
    pub fn new(title: &str) -> Self {
        Page { body: String::new(), title: title.to_string(), figures: 0 }
    }

    /// A heading of `level` (1-6).
    pub fn heading(&mut self, level: u8, text: &str) {
        let l = level.clamp(1, 6);
        self.body.push_str(&format!("<h{l}>{}</h{l}>\n", escape(text)));
    }

    /// A paragraph of plain text.
    pub fn paragraph(&mut self, text: &str) {
        self.body.push_str(&format!("<p>{}</p>\n", escape(text)));
    }

    /// HTML the caller built (already escaped).
    pub fn raw(&mut self, html: &str) {
        self.body.push_str(html);
        self.body.push('\n');
    }

    /// A numbered figure: an inline SVG and its caption.
    pub fn figure(&mut self, svg: &str, caption: &str) {
        self.figures += 1;
        let svg = svg.trim_start_matches(|c: char| c != '<');
        self.body.push_str(&format!(
            "<figure id=\"figure-{n}\">{svg}<figcaption>Figure {n}. {}</figcaption></figure>\n",
            escape(caption),
            n = self.figures
        ));
    }

    /// The number of figures so far.
    #[must_use]
    pub fn figures(&self) -> usize {
        self.figures
    }

    /// The whole document.
    #[must_use]
    pub fn finish(self) -> String {
        format!(
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n{}</body>\n</html>\n",
            escape(&self.title),
            self.body
        )
    }
}

/// Escapes text for HTML (`&`, `<`, `>`, quotes).
#[must_use]
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() && c != '\n' && c != '\t' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}
