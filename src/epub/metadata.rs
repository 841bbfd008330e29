//! Package metadata worked out from the document: identifier, language,
//! dates and the accessibility claims.
//!
//! Nothing here reads the clock or a random source: the same document
//! always gets the same identifier and dates.

use crate::diag::{Diagnostic, Span};
use crate::model::{Block, Document, plain_text};
use uuid::Uuid;

/// The book's `dc:identifier`: a UUID v5 of its title and text.
///
/// The same content always gets the same identifier (reproducible builds,
/// and a reading system recognises a re-export as the same book); any
/// change of the text makes it a different one.
pub(super) fn book_uuid(doc: &Document) -> Uuid {
    let mut name = String::from("urn:mdg-export:");
    name.push_str(&plain_text(&doc.meta.title));
    // NUL cannot occur in the text (it is not an XML character), so it
    // separates the title from the body without ambiguity.
    name.push('\0');
    push_blocks_text(&doc.blocks, &mut name);
    for note in &doc.footnotes {
        name.push('\0');
        push_blocks_text(&note.blocks, &mut name);
    }
    Uuid::new_v5(&Uuid::NAMESPACE_URL, name.as_bytes())
}

fn push_blocks_text(blocks: &[Block], out: &mut String) {
    for block in blocks {
        match block {
            Block::Heading { content, .. }
            | Block::Paragraph { content, .. }
            | Block::Caption { content, .. } => {
                out.push_str(&plain_text(content));
            }
            Block::Figure { image, .. } => out.push_str(&image.alt),
            Block::List { items, .. } => {
                for item in items {
                    push_blocks_text(&item.blocks, out);
                }
            }
            Block::Quote { blocks, .. } | Block::Div { blocks, .. } => {
                push_blocks_text(blocks, out)
            }
            Block::Code { text, .. } => out.push_str(text),
            Block::Table { head, rows, .. } => {
                for cell in head.iter().chain(rows.iter().flatten()) {
                    out.push_str(&plain_text(cell));
                    out.push('\t');
                }
            }
            Block::Rule { .. } | Block::Html { .. } => {}
        }
        out.push('\n');
    }
}

/// The package language: the front matter's, or `en` when none is given.
///
/// A tag that is not a well-formed BCP 47 tag would make the package
/// invalid (and break hyphenation), so it is replaced by `en` with a
/// warning.
pub(super) fn book_language(lang: &str) -> (String, Option<Diagnostic>) {
    let lang = lang.trim();
    if lang.is_empty() {
        return ("en".into(), None);
    }
    // `sv_SE` (a POSIX locale) means `sv-SE`.
    let tag = lang.replace('_', "-");
    if is_language_tag(&tag) {
        return (tag, None);
    }
    let warning = Diagnostic::warning(
        Span::DETACHED,
        format!("language `{lang}` is not a language tag; the EPUB is marked as English"),
    )
    .with_hint("write a BCP 47 tag in the front matter, e.g. `lang: sv` or `lang: en-GB`");
    ("en".into(), Some(warning))
}

/// A loose BCP 47 check: a 2–3 letter ISO 639 primary subtag (the 5–8
/// letter registered ones are never used in practice, and accepting them
/// would let `svenska` through), then subtags of 1–8 letters or digits.
pub(super) fn is_language_tag(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let primary_ok = parts.next().is_some_and(|primary| {
        (2..=3).contains(&primary.len()) && primary.chars().all(|c| c.is_ascii_alphabetic())
    });
    primary_ok
        && parts.all(|part| {
            (1..=8).contains(&part.len()) && part.chars().all(|c| c.is_ascii_alphanumeric())
        })
}

pub(super) use crate::model::is_rtl;

/// The publication date for `dc:date`, if it is a W3C date (`YYYY`,
/// `YYYY-MM` or `YYYY-MM-DD`), which is what EPUB requires; anything else
/// is left out with a warning.
pub(super) fn publication_date(date: Option<&str>) -> (Option<String>, Option<Diagnostic>) {
    let Some(date) = date.map(str::trim).filter(|d| !d.is_empty()) else {
        return (None, None);
    };
    let parts: Vec<&str> = date.split('-').collect();
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    let in_range = |s: &str, max: u32| s.parse::<u32>().is_ok_and(|v| (1..=max).contains(&v));
    let valid = match parts.as_slice() {
        [y] => digits(y, 4),
        [y, m] => digits(y, 4) && digits(m, 2) && in_range(m, 12),
        [y, m, d] => {
            digits(y, 4) && digits(m, 2) && in_range(m, 12) && digits(d, 2) && in_range(d, 31)
        }
        _ => false,
    };
    if valid {
        (Some(date.to_string()), None)
    } else {
        let warning = Diagnostic::warning(
            Span::DETACHED,
            format!("date `{date}` is not a date the EPUB can carry; it is left out"),
        )
        .with_hint("write the date as YYYY-MM-DD, e.g. `date: 2010-09-20`");
        (None, Some(warning))
    }
}

/// A `dcterms:modified` time: `YYYY-MM-DDThh:mm:ssZ`, in UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Timestamp {
    /// Full year.
    pub year: u16,
    /// 1–12.
    pub month: u8,
    /// 1–31.
    pub day: u8,
    /// 0–23.
    pub hour: u8,
    /// 0–59.
    pub minute: u8,
    /// 0–59.
    pub second: u8,
}

impl Timestamp {
    /// Parses exactly `YYYY-MM-DDThh:mm:ssZ` (what EPUB 3 requires for
    /// `dcterms:modified`); the calendar check is chrono's, in the caller.
    pub fn parse(s: &str) -> Option<Timestamp> {
        let b = s.as_bytes();
        let shape_ok = b.len() == 20
            && b[4] == b'-'
            && b[7] == b'-'
            && b[10] == b'T'
            && b[13] == b':'
            && b[16] == b':'
            && b[19] == b'Z';
        if !shape_ok {
            return None;
        }
        let number = |range: std::ops::Range<usize>| -> Option<u16> {
            let part = s.get(range)?;
            if part.bytes().all(|b| b.is_ascii_digit()) {
                part.parse().ok()
            } else {
                None
            }
        };
        let small = |range| number(range).and_then(|v| u8::try_from(v).ok());
        let stamp = Timestamp {
            year: number(0..4)?,
            month: small(5..7)?,
            day: small(8..10)?,
            hour: small(11..13)?,
            minute: small(14..16)?,
            second: small(17..19)?,
        };
        let valid = (1..=12).contains(&stamp.month)
            && (1..=31).contains(&stamp.day)
            && stamp.hour < 24
            && stamp.minute < 60
            && stamp.second < 60;
        valid.then_some(stamp)
    }
}

/// The EPUB Accessibility 1.1 metadata, as `(property, value)` pairs in
/// the order they are written.
///
/// `has_images`: the package holds images; `described`: every image has
/// alt text. Only then is text alone claimed to be sufficient and
/// `alternativeText` listed. `page_list`: the book carries the print
/// edition's page breaks and a page list.
pub(super) fn accessibility_metadata(
    has_images: bool,
    described: bool,
    page_list: bool,
    summary: String,
    conforms: bool,
) -> Vec<(&'static str, String)> {
    let mut meta = vec![("schema:accessMode", "textual".to_string())];
    if has_images {
        meta.push(("schema:accessMode", "visual".into()));
        meta.push(("schema:accessModeSufficient", "textual,visual".into()));
    }
    if !has_images || described {
        meta.push(("schema:accessModeSufficient", "textual".into()));
    }
    for feature in ["structuralNavigation", "tableOfContents", "readingOrder"] {
        meta.push(("schema:accessibilityFeature", feature.into()));
    }
    if has_images && described {
        meta.push(("schema:accessibilityFeature", "alternativeText".into()));
    }
    if page_list {
        // `printPageNumbers` is the long-standing term; the current
        // schema.org accessibility vocabulary replaces it by the two it
        // meant, markers in the text and a page list, so both are said.
        for feature in ["printPageNumbers", "pageBreakMarkers", "pageNavigation"] {
            meta.push(("schema:accessibilityFeature", feature.into()));
        }
    }
    meta.push((
        "schema:accessibilityFeature",
        "displayTransformability".into(),
    ));
    meta.push(("schema:accessibilityHazard", "none".into()));
    meta.push(("schema:accessibilitySummary", summary));
    if conforms {
        meta.push((
            "dcterms:conformsTo",
            "EPUB Accessibility 1.1 - WCAG 2.2 Level AA".into(),
        ));
    }
    meta
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Inline;

    #[test]
    fn the_identifier_follows_the_content() {
        let mut doc = Document::default();
        doc.meta.title = vec![Inline::Text("Titel".into(), Span::DETACHED)];
        let first = book_uuid(&doc);
        assert_eq!(first, book_uuid(&doc.clone()));
        assert_eq!(first.get_version_num(), 5);
        doc.blocks.push(Block::Rule {
            span: Span::DETACHED,
        });
        doc.blocks.push(Block::Code {
            lang: None,
            text: "x".into(),
            span: Span::DETACHED,
        });
        assert_ne!(first, book_uuid(&doc));
    }

    #[test]
    fn languages_are_checked() {
        assert_eq!(book_language("sv").0, "sv");
        assert_eq!(book_language(" en-GB ").0, "en-GB");
        assert_eq!(book_language("").0, "en");
        assert_eq!(book_language("sv_SE"), ("sv-SE".into(), None));
        let (lang, warning) = book_language("svenska språket");
        assert_eq!(lang, "en");
        assert!(warning.is_some());
        assert!(is_rtl("ar-EG") && !is_rtl("sv"));
    }

    #[test]
    fn dates_must_be_w3c_dates() {
        assert_eq!(
            publication_date(Some("2010-09-20")).0.as_deref(),
            Some("2010-09-20")
        );
        assert_eq!(publication_date(Some("2010")).0.as_deref(), Some("2010"));
        assert!(publication_date(Some("20 september 2010")).1.is_some());
        assert!(publication_date(Some("2010-13-01")).1.is_some());
        assert_eq!(publication_date(None), (None, None));
    }

    #[test]
    fn modified_must_be_exact() {
        let stamp = Timestamp::parse("2010-09-20T12:34:56Z").unwrap();
        assert_eq!((stamp.year, stamp.month, stamp.second), (2010, 9, 56));
        assert!(Timestamp::parse("2010-09-20").is_none());
        assert!(Timestamp::parse("2010-09-20T25:00:00Z").is_none());
        assert!(Timestamp::parse("2010-09-20T12:34:56+01:00").is_none());
        assert!(Timestamp::parse("20x0-09-20T12:34:56Z").is_none());
    }

    #[test]
    fn text_alone_is_sufficient_only_when_every_image_is_described() {
        let has =
            |meta: &[(&str, String)], p: &str, v: &str| meta.iter().any(|(k, x)| *k == p && x == v);
        let meta = accessibility_metadata(true, false, false, String::new(), true);
        assert!(!has(&meta, "schema:accessModeSufficient", "textual"));
        assert!(!has(
            &meta,
            "schema:accessibilityFeature",
            "alternativeText"
        ));
        let meta = accessibility_metadata(true, true, false, String::new(), true);
        assert!(has(&meta, "schema:accessModeSufficient", "textual"));
        assert!(has(&meta, "schema:accessibilityFeature", "alternativeText"));
        assert!(!has(
            &meta,
            "schema:accessibilityFeature",
            "printPageNumbers"
        ));
        let meta = accessibility_metadata(false, true, true, String::new(), true);
        assert!(!has(&meta, "schema:accessMode", "visual"));
        assert!(has(
            &meta,
            "schema:accessibilityFeature",
            "printPageNumbers"
        ));
    }
}
