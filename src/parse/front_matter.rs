//! YAML front matter: split it off the body and read the known keys.

use crate::diag::{Diagnostic, Span};
use crate::model::Meta;
use yaml_rust2::{Yaml, YamlLoader};

/// The front-matter keys mdg-export reads; any other key is warned about.
pub const KNOWN_KEYS: &[&str] = &[
    "title",
    "subtitle",
    "author",
    "publisher",
    "lang",
    "date",
    "description",
    "keywords",
    "place",
];

/// The 0-based line of the first alias (`*name`) in the YAML, if any.
///
/// The YAML loader copies an anchored node at every alias, so aliases of
/// lists of aliases grow exponentially (the "billion laughs"): ten levels
/// of ten make 10¹⁰ nodes from a few hundred bytes. None of our keys
/// needs an alias, so the front matter may not have any. The event
/// parser reads them without expanding anything, in time linear in the
/// text; its own errors are left to the loader, which reports them.
fn first_alias_line(yaml: &str) -> Option<usize> {
    use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
    use yaml_rust2::scanner::Marker;
    struct FirstAlias(Option<usize>);
    impl MarkedEventReceiver for FirstAlias {
        fn on_event(&mut self, event: Event, mark: Marker) {
            if matches!(event, Event::Alias(_)) && self.0.is_none() {
                // The marker counts lines from 1.
                self.0 = Some(mark.line().saturating_sub(1));
            }
        }
    }
    let mut found = FirstAlias(None);
    let _ = Parser::new_from_str(yaml).load(&mut found, false);
    found.0
}

/// Splits the front matter (if any) off `source`, parses it and returns the
/// metadata and the byte offset where the Markdown body starts.
pub fn split_and_parse(
    source: &str,
    name: &str,
    warnings: &mut Vec<Diagnostic>,
) -> Result<(Meta, usize), Vec<Diagnostic>> {
    let mut meta = Meta {
        name: name.to_string(),
        lang: "en".into(),
        ..Meta::default()
    };
    let Some((yaml, yaml_start, body_start)) = split(source) else {
        return Ok((meta, 0));
    };
    if let Some(line) = first_alias_line(yaml) {
        let offset = line_offset(source, yaml_start, line);
        return Err(vec![
            Diagnostic::error(
                char_at(source, offset),
                "the front matter uses a YAML alias (`*name`), which is not supported",
            )
            .with_hint("write the value out in full where the alias stands"),
        ]);
    }
    let docs = YamlLoader::load_from_str(yaml).map_err(|err| {
        let marker = err.marker();
        // yaml-rust2 counts lines from 1; an error at the end of the YAML
        // (an unclosed bracket) is shown on its last line.
        let last_line = yaml.lines().count().saturating_sub(1);
        let line = marker.line().saturating_sub(1).min(last_line);
        let offset = line_offset(source, yaml_start, line);
        vec![
            Diagnostic::error(
                char_at(source, offset),
                format!("the front matter is not valid YAML: {}", err.info()),
            )
            .with_hint("front matter is `key: value` lines between `---` lines; quote values that hold `:` or `#`"),
        ]
    })?;
    let Some(root) = docs.into_iter().next() else {
        return Ok((meta, body_start));
    };
    let Yaml::Hash(map) = root else {
        if root.is_null() {
            return Ok((meta, body_start));
        }
        return Err(vec![
            Diagnostic::error(
                char_at(source, yaml_start),
                "the front matter is not a list of `key: value` pairs",
            )
            .with_hint("write each setting as `key: value` on its own line"),
        ]);
    };

    let mut errors = Vec::new();
    for (key, value) in &map {
        let key = match key {
            Yaml::String(key) => key.as_str(),
            _ => {
                warnings.push(
                    Diagnostic::warning(
                        char_at(source, yaml_start),
                        "a front-matter key is not text",
                    )
                    .with_hint("keys are words such as `title`"),
                );
                continue;
            }
        };
        let at = key_span(source, yaml_start, body_start, key);
        match key {
            "title" => meta.title = super::parse_inline(&scalar(value)),
            "subtitle" => meta.subtitle = super::parse_inline(&scalar(value)),
            "author" => meta.authors = list(value),
            "publisher" => meta.publisher = non_empty(scalar(value)),
            "lang" => {
                let lang = scalar(value);
                if is_language_tag(&lang) {
                    meta.lang = lang;
                    meta.lang_declared = true;
                } else {
                    errors.push(
                        Diagnostic::error(at, format!("`{lang}` is not a language tag"))
                            .with_hint("use a BCP 47 tag such as `sv`, `en` or `sv-FI`"),
                    );
                }
            }
            "date" => {
                let date = scalar(value);
                if is_iso_date(&date) {
                    meta.date = Some(date);
                } else {
                    errors.push(
                        Diagnostic::error(
                            at,
                            format!("the date `{date}` is not written as YYYY-MM-DD"),
                        )
                        .with_hint("write the date as e.g. `2010-09-20`"),
                    );
                }
            }
            "description" => meta.description = non_empty(scalar(value)),
            "keywords" => meta.keywords = list(value),
            "place" => meta.place = non_empty(scalar(value)),
            other => warnings.push(
                Diagnostic::warning(at, format!("unknown front-matter key `{other}` is ignored"))
                    .with_hint(format!("known keys: {}", KNOWN_KEYS.join(", "))),
            ),
        }
    }
    if errors.is_empty() {
        Ok((meta, body_start))
    } else {
        Err(errors)
    }
}

/// Finds `---` … `---`/`...` at the very start. Returns the YAML text, its
/// byte offset and the offset of the body.
///
/// Settings open with a `key:` line (or close at once); a rule followed by
/// anything else is Markdown that starts with a thematic break, as
/// markdown-it's demo document does, not front matter with bad YAML.
fn split(source: &str) -> Option<(&str, usize, usize)> {
    let first_end = source.find('\n')?;
    if source[..first_end].trim_end() != "---" {
        return None;
    }
    let yaml_start = first_end + 1;
    let first_line = source[yaml_start..].lines().next().unwrap_or("").trim_end();
    if !(first_line == "---" || first_line == "..." || is_key_line(first_line)) {
        return None;
    }
    let mut pos = yaml_start;
    while pos < source.len() {
        let end = source[pos..].find('\n').map_or(source.len(), |i| pos + i);
        let line = source[pos..end].trim_end();
        if line == "---" || line == "..." {
            let body = (end + 1).min(source.len());
            return Some((&source[yaml_start..pos], yaml_start, body));
        }
        pos = end + 1;
    }
    None
}

/// Whether a line starts a YAML mapping entry: a plain key (letters, digits,
/// `_`, `-`) and a colon that ends the line or is followed by a space.
fn is_key_line(line: &str) -> bool {
    let Some((key, rest)) = line.split_once(':') else {
        return false;
    };
    !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
        && (rest.is_empty() || rest.starts_with([' ', '\t']))
}

/// The byte offset of (0-based) line `line` of the YAML text.
fn line_offset(source: &str, yaml_start: usize, line: usize) -> usize {
    let mut offset = yaml_start;
    for _ in 0..line {
        match source[offset..].find('\n') {
            Some(i) => offset += i + 1,
            None => break,
        }
    }
    offset.min(source.len().saturating_sub(1))
}

/// The span of the character at `offset` (a line's start), whole: a span
/// that ended inside a letter such as `ö` would break whoever slices the
/// source with it (found by fuzzing the front-matter reader, issue 17).
fn char_at(source: &str, offset: usize) -> Span {
    let width = source[offset..].chars().next().map_or(0, char::len_utf8);
    Span::new(offset..offset + width)
}

/// The span of `key:` in the front matter, for messages about its value.
fn key_span(source: &str, yaml_start: usize, body_start: usize, key: &str) -> Span {
    let yaml = &source[yaml_start..body_start];
    let mut offset = 0;
    for line in yaml.split_inclusive('\n') {
        if line.starts_with(key) && line[key.len()..].trim_start().starts_with(':') {
            let start = yaml_start + offset;
            return Span::new(start..start + line.trim_end().len());
        }
        offset += line.len();
    }
    char_at(source, yaml_start)
}

fn scalar(value: &Yaml) -> String {
    match value {
        Yaml::String(s) | Yaml::Real(s) => s.trim().to_string(),
        Yaml::Integer(i) => i.to_string(),
        Yaml::Boolean(b) => b.to_string(),
        Yaml::Array(items) => items.iter().map(scalar).collect::<Vec<_>>().join(", "),
        _ => String::new(),
    }
}

fn list(value: &Yaml) -> Vec<String> {
    match value {
        Yaml::Array(items) => items.iter().map(scalar).filter(|s| !s.is_empty()).collect(),
        other => scalar(other)
            .split(',')
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect(),
    }
}

fn non_empty(s: String) -> Option<String> {
    (!s.is_empty()).then_some(s)
}

/// See [`super::is_language_tag`].
pub(super) fn is_language_tag(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let primary = parts.next().unwrap_or("");
    (2..=3).contains(&primary.len())
        && primary.chars().all(|c| c.is_ascii_alphabetic())
        && parts.all(|p| (1..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()))
}

fn is_iso_date(date: &str) -> bool {
    let b = date.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let digits = |r: std::ops::Range<usize>| date[r].parse::<u32>().ok();
    match (digits(0..4), digits(5..7), digits(8..10)) {
        (Some(_), Some(m), Some(d)) => (1..=12).contains(&m) && (1..=31).contains(&d),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_tags() {
        assert!(is_language_tag("sv"));
        assert!(is_language_tag("sv-FI"));
        assert!(!is_language_tag("svenska språket"));
    }

    #[test]
    fn dates() {
        assert!(is_iso_date("2010-09-20"));
        assert!(!is_iso_date("20 september 2010"));
        assert!(!is_iso_date("2010-13-01"));
    }

    #[test]
    fn no_front_matter_means_body_from_start() {
        let mut w = Vec::new();
        let (meta, offset) = split_and_parse("# Rubrik\n", "x", &mut w).unwrap();
        assert_eq!(offset, 0);
        assert_eq!(meta.lang, "en");
    }
}
