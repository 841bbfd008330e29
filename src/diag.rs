//! Diagnostics: what went wrong, where in the source, and what to do about it.
//!
//! The library never prints and never exits. Every stage returns its
//! warnings next to its output ([`Warned`]) and its errors as a list of
//! [`Diagnostic`]s; the command line decides how to show them.

use std::fmt;
use std::ops::Range;

/// A byte range in the Markdown source. `0..0` means "no useful location".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Span {
    /// First byte, inclusive.
    pub start: usize,
    /// Last byte, exclusive.
    pub end: usize,
}

impl Span {
    /// A span that points nowhere in particular.
    pub const DETACHED: Span = Span { start: 0, end: 0 };

    /// Creates a span from a byte range.
    pub fn new(range: Range<usize>) -> Self {
        Span {
            start: range.start,
            end: range.end,
        }
    }

    /// Moves the span by `offset` bytes (used when the parsed text is a
    /// slice of a larger source, e.g. the body after the front matter).
    pub fn shifted(self, offset: usize) -> Self {
        Span {
            start: self.start + offset,
            end: self.end + offset,
        }
    }

    /// Whether the span carries a location.
    pub fn is_detached(self) -> bool {
        self.start == 0 && self.end == 0
    }
}

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// The export goes on; the output may lack something.
    Warning,
    /// The export stops; no output is written.
    Error,
}

/// One message for the user: severity, message, location and hints.
///
/// Messages are lowercase without a trailing period and say what is wrong;
/// hints say what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Whether the export can go on.
    pub severity: Severity,
    /// What went wrong.
    pub message: String,
    /// Where in the Markdown source.
    pub span: Span,
    /// What the user can do about it.
    pub hints: Vec<String>,
}

impl Diagnostic {
    /// Creates an error at `span`.
    pub fn error(span: Span, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            message: message.into(),
            span,
            hints: Vec::new(),
        }
    }

    /// Creates a warning at `span`.
    pub fn warning(span: Span, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            message: message.into(),
            span,
            hints: Vec::new(),
        }
    }

    /// Adds a hint that tells the user what to do.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hints.push(hint.into());
        self
    }

    /// Whether this diagnostic stops the export.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = match self.severity {
            Severity::Warning => "warning",
            Severity::Error => "error",
        };
        write!(f, "{label}: {}", self.message)
    }
}

/// A value together with the warnings produced while making it.
#[derive(Debug, Clone)]
pub struct Warned<T> {
    /// The result.
    pub output: T,
    /// Everything worth telling the user that did not stop the work.
    pub warnings: Vec<Diagnostic>,
}

/// The result of a stage: the output with its warnings, or every error found.
pub type StageResult<T> = Result<Warned<T>, Vec<Diagnostic>>;

/// A position in a source file for humans: 1-based line and column
/// (the column counts characters, not bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineCol {
    /// 1-based line number.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
}

/// Finds the line and column of byte `offset` in `text`.
///
/// Offsets past the end or inside a UTF-8 sequence are clamped to the
/// nearest character boundary before them.
pub fn line_col(text: &str, offset: usize) -> LineCol {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = text[line_start..offset].chars().count() + 1;
    LineCol { line, column }
}

/// Returns the text of the (1-based) line `line`, without its line ending.
pub fn source_line(text: &str, line: usize) -> &str {
    text.split('\n')
        .nth(line.saturating_sub(1))
        .unwrap_or("")
        .trim_end_matches('\r')
}

/// Diagnostics that say the same thing at different places: the first,
/// and the others in source order.
#[derive(Debug)]
pub struct Repeated<'a> {
    /// The first of them, shown in full.
    pub first: &'a Diagnostic,
    /// The rest, shown as a count and their first locations.
    pub others: Vec<&'a Diagnostic>,
}

/// Groups diagnostics that differ only in what they quote (the text
/// between backticks: a path, a key, a URL), keeping the order in which
/// each kind first appears. A README with 600 badge images gets one
/// "remote image" warning and a count, not 600 screens of them.
pub fn group_repeated(diagnostics: &[Diagnostic]) -> Vec<Repeated<'_>> {
    let mut groups: Vec<Repeated<'_>> = Vec::new();
    let mut index: std::collections::HashMap<(Severity, String, &[String]), usize> =
        std::collections::HashMap::new();
    for diagnostic in diagnostics {
        let key = (
            diagnostic.severity,
            message_shape(&diagnostic.message),
            &diagnostic.hints[..],
        );
        match index.get(&key) {
            Some(&i) => groups[i].others.push(diagnostic),
            None => {
                index.insert(key, groups.len());
                groups.push(Repeated {
                    first: diagnostic,
                    others: Vec::new(),
                });
            }
        }
    }
    groups
}

/// A message with what it quotes left out: `unknown key `foo`` and
/// `unknown key `bar`` have one shape.
fn message_shape(message: &str) -> String {
    message
        .split('`')
        .enumerate()
        .map(|(i, part)| if i % 2 == 1 { "…" } else { part })
        .collect::<Vec<_>>()
        .join("`")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_warnings_group_by_what_they_say() {
        let at = |n| Span::new(n..n + 1);
        let warnings = vec![
            Diagnostic::warning(at(1), "remote image `https://a/1.svg` is not fetched")
                .with_hint("h"),
            Diagnostic::warning(at(2), "unknown front-matter key `x`"),
            Diagnostic::warning(at(3), "remote image `https://a/2.svg` is not fetched")
                .with_hint("h"),
            Diagnostic::warning(at(4), "unknown front-matter key `y`"),
            Diagnostic::warning(at(5), "remote image `https://a/3.svg` is not fetched")
                .with_hint("h"),
            Diagnostic::warning(at(6), "a different warning"),
        ];
        let groups = group_repeated(&warnings);
        let summary: Vec<(usize, usize)> = groups
            .iter()
            .map(|g| (g.first.span.start, g.others.len()))
            .collect();
        assert_eq!(summary, [(1, 2), (2, 1), (6, 0)]);
        assert_eq!(groups[0].others[1].span.start, 5);
    }

    #[test]
    fn line_col_counts_characters_not_bytes() {
        let text = "första\nåäö x\n";
        assert_eq!(line_col(text, 0), LineCol { line: 1, column: 1 });
        let x = text.find('x').unwrap();
        assert_eq!(line_col(text, x), LineCol { line: 2, column: 5 });
        assert_eq!(source_line(text, 2), "åäö x");
    }

    #[test]
    fn line_col_clamps_inside_a_character() {
        let text = "å";
        assert_eq!(line_col(text, 1), LineCol { line: 1, column: 1 });
        assert_eq!(line_col(text, 99), LineCol { line: 1, column: 2 });
    }
}
