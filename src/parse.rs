//! Parsing: Markdown source with YAML front matter → [`Document`].
//!
//! The only module that imports `pulldown_cmark`. Front matter is split off
//! first (closed by `---` or `...`, as pandoc accepts), then the body is
//! parsed with every byte offset kept, so each node knows where it came
//! from. Parsing Markdown cannot fail; only the front matter can.

mod front_matter;
mod html_blocks;
mod shortcodes;
mod spans;
mod tree;
pub mod typography;

use crate::diag::{Diagnostic, Span, StageResult, Warned};
use crate::model::Document;


/// How deeply block containers (quotes, lists) and inline containers
/// (emphasis, links) may nest before their content is lifted into the
/// parent. Every later stage walks the model recursively; this bound keeps
/// a hostile `>>>>…` line of thousands of levels from overflowing the stack.
pub const MAX_NESTING: usize = 48;

/// Options for parsing.
#[derive(Debug, Clone)]
pub struct ParseOptions {
    /// The short name of the document (file stem), used for output names
    /// and as the title of last resort.
    pub name: String,
    /// The document's language (BCP 47), over what its front matter says:
    /// the command line's `--lang`, for documents without front matter.
    pub lang: Option<String>,
    /// The document's title, over what its front matter says: the
    /// command line's `--title`.
    pub title: Option<String>,
}

/// Decodes the bytes of a source file, or says where the UTF-8 breaks.
pub fn decode_source(bytes: Vec<u8>) -> Result<String, Diagnostic> {
    match String::from_utf8(bytes) {
        Ok(mut text) => {
            if text.starts_with('\u{feff}') {
                text.drain(..3);
            }
            Ok(text)
        }
        Err(err) => {
            let bad = err.utf8_error().valid_up_to();
            let bytes = err.as_bytes();
            let line = bytes[..bad].iter().filter(|&&b| b == b'\n').count() + 1;
            let line_start = bytes[..bad]
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(0, |i| i + 1);
            Err(Diagnostic::error(
                Span::DETACHED,
                format!(
                    "the file is not valid UTF-8: line {line}, byte {} of the line \
                     (byte {bad} of the file) is 0x{:02X}",
                    bad - line_start + 1,
                    bytes[bad]
                ),
            )
            .with_hint("save the file as UTF-8 (e.g. `iconv -f latin1 -t utf-8`)"))
        }
    }
}

/// Whether `tag` is a language tag the tool takes: letters, digits and
/// hyphens, starting with a 2–3 letter primary language subtag (a loose
/// BCP 47 check: `sv`, `en-GB`, `zh-Hans-CN`).
pub fn is_language_tag(tag: &str) -> bool {
    front_matter::is_language_tag(tag)
}

/// Parses a whole document: front matter, then the Markdown body.
pub fn parse(source: &str, options: &ParseOptions) -> StageResult<Document> {
    let mut warnings = Vec::new();
    let (mut meta, body_offset) =
        front_matter::split_and_parse(source, &options.name, &mut warnings)?;
    if let Some(lang) = &options.lang {
        meta.lang.clone_from(lang);
        meta.lang_declared = true;
    }
    if let Some(title) = &options.title {
        meta.title = vec![crate::model::Inline::Text(title.clone(), Span::DETACHED)];
    }
    let body = &source[body_offset..];
    let mut doc = tree::build(body, body_offset, meta, &mut warnings);
    link_digit_headings(&mut doc);
    crate::model::for_each_inline_list_mut(&mut doc.blocks, &mut shortcodes::lift);
    for note in &mut doc.footnotes {
        crate::model::for_each_inline_list_mut(&mut note.blocks, &mut shortcodes::lift);
    }
    let lang = doc.meta.lang.clone();
    typography::apply(&mut doc.blocks, &lang);
    for note in &mut doc.footnotes {
        typography::apply(&mut note.blocks, &lang);
    }
    typography::apply_inlines(&mut doc.meta.title, &lang, &mut Default::default());
    typography::apply_inlines(&mut doc.meta.subtitle, &lang, &mut Default::default());

    if doc.meta.title.is_empty() {
        doc.meta.title = heading_title(&doc.blocks).unwrap_or_else(|| {
            // A note without headings is named by its file as a matter of
            // course; a document whose headings name it nowhere is told.
            let has_headings = doc
                .blocks
                .iter()
                .any(|block| matches!(block, crate::model::Block::Heading { .. }));
            if has_headings {
                warnings.push(
                Diagnostic::warning(
                    Span::DETACHED,
                    format!(
                        "the document has no title: the cover and the files' metadata show its name, `{}`",
                        options.name
                    ),
                )
                .with_hint("add `title:` to the front matter, or give `--title \"…\"`"),
                );
            }
            vec![crate::model::Inline::Text(
                options.name.clone(),
                Span::DETACHED,
            )]
        });
    }
    if doc.blocks.is_empty() && doc.cover.is_none() {
        warnings.push(
            Diagnostic::warning(Span::DETACHED, "the document has no content")
                .with_hint("the output holds only a title page; write some Markdown"),
        );
    }
    Ok(Warned {
        output: doc,
        warnings,
    })
}

/// Points `#8-bit-themes` at the heading "8-bit themes", whose id is
/// `section-8-bit-themes` (an id starts with a letter here): READMEs link
/// to headings by the ids GitHub gives them, which may start with a digit.
fn link_digit_headings(doc: &mut crate::model::Document) {
    use crate::model::{Block, Inline};
    let mut ids = std::collections::HashSet::new();
    crate::model::for_each_block(&doc.blocks, &mut |block| {
        if let Block::Heading { id, .. } = block {
            ids.insert(id.clone());
        }
    });
    if !ids.iter().any(|id| id.starts_with("section-")) {
        return;
    }
    fn relink(inlines: &mut [Inline], ids: &std::collections::HashSet<String>) {
        for inline in inlines {
            match inline {
                Inline::Link { url, content, .. } => {
                    if let Some(fragment) = url.strip_prefix('#')
                        && fragment.starts_with(|c: char| c.is_ascii_digit())
                        && !ids.contains(fragment)
                    {
                        let prefixed = format!("section-{}", fragment.to_lowercase());
                        if ids.contains(&prefixed) {
                            *url = format!("#{prefixed}");
                        }
                    }
                    relink(content, ids);
                }
                Inline::Emph(children, _)
                | Inline::Strong(children, _)
                | Inline::Strike(children, _)
                | Inline::Span {
                    content: children, ..
                } => relink(children, ids),
                _ => {}
            }
        }
    }
    crate::model::for_each_block_mut(&mut doc.blocks, &mut |block| {
        for run in block.inline_runs_mut() {
            relink(run, &ids);
        }
    });
}

/// The title of a document that names none: its first heading, when no
/// later heading stands above it. A README that opens with a logo and
/// goes on with `### Syntax highlighting` under `## How to use` has no
/// heading that names it.
fn heading_title(blocks: &[crate::model::Block]) -> Option<Vec<crate::model::Inline>> {
    let mut headings = blocks.iter().filter_map(|block| match block {
        crate::model::Block::Heading { level, content, .. } => {
            Some((*level, title_text(content))).filter(|(_, title)| !title.is_empty())
        }
        _ => None,
    });
    let (level, title) = headings.next()?;
    headings.all(|(other, _)| other >= level).then_some(title)
}

/// A heading as a title: its words without the pictures in it (a
/// README's first heading often carries badges, whose alt texts are no
/// part of its name), without raw HTML, and with no space at its ends.
fn title_text(content: &[crate::model::Inline]) -> Vec<crate::model::Inline> {
    use crate::model::Inline;
    fn strip(content: &[Inline]) -> Vec<Inline> {
        content
            .iter()
            .filter_map(|inline| match inline {
                Inline::Image(_) | Inline::Html(..) | Inline::FootnoteRef { .. } => None,
                Inline::Emph(children, span) => Some(Inline::Emph(strip(children), *span)),
                Inline::Strong(children, span) => Some(Inline::Strong(strip(children), *span)),
                Inline::Strike(children, span) => Some(Inline::Strike(strip(children), *span)),
                Inline::Span {
                    lang,
                    content,
                    span,
                } => Some(Inline::Span {
                    lang: lang.clone(),
                    content: strip(content),
                    span: *span,
                }),
                Inline::Link { content, .. } => {
                    let content = strip(content);
                    (!crate::model::plain_text(&content).trim().is_empty()).then(|| {
                        let mut link = inline.clone();
                        if let Inline::Link { content: c, .. } = &mut link {
                            *c = content;
                        }
                        link
                    })
                }
                other => Some(other.clone()),
            })
            .collect()
    }
    let mut title = strip(content);
    // Trim the ends: a badge between words leaves doubled spaces inside,
    // which layout treats as one; at the ends it would show.
    while matches!(title.first(), Some(Inline::Text(t, _)) if t.trim().is_empty())
        || matches!(
            title.first(),
            Some(Inline::SoftBreak(_) | Inline::HardBreak(_))
        )
    {
        title.remove(0);
    }
    while matches!(title.last(), Some(Inline::Text(t, _)) if t.trim().is_empty())
        || matches!(
            title.last(),
            Some(Inline::SoftBreak(_) | Inline::HardBreak(_))
        )
    {
        title.pop();
    }
    if let Some(Inline::Text(t, _)) = title.first_mut() {
        *t = t.trim_start().to_string();
    }
    if let Some(Inline::Text(t, _)) = title.last_mut() {
        *t = t.trim_end().to_string();
    }
    title
}

/// Parses inline Markdown (a title, a front-matter value) into inlines.
pub(crate) fn parse_inline(text: &str) -> Vec<crate::model::Inline> {
    let mut ignored = Vec::new();
    let doc = tree::build(text, 0, crate::model::Meta::default(), &mut ignored);
    doc.blocks
        .into_iter()
        .find_map(|block| match block {
            crate::model::Block::Paragraph { content, .. }
            | crate::model::Block::Heading { content, .. } => Some(detach(content)),
            _ => None,
        })
        .unwrap_or_else(|| vec![crate::model::Inline::Text(text.to_string(), Span::DETACHED)])
}

/// Front-matter values have no useful span in the body; drop the offsets.
fn detach(inlines: Vec<crate::model::Inline>) -> Vec<crate::model::Inline> {
    use crate::model::Inline;
    inlines
        .into_iter()
        .map(|inline| match inline {
            Inline::Text(t, _) => Inline::Text(t, Span::DETACHED),
            Inline::Code(t, _) => Inline::Code(t, Span::DETACHED),
            Inline::Emph(c, _) => Inline::Emph(detach(c), Span::DETACHED),
            Inline::Strong(c, _) => Inline::Strong(detach(c), Span::DETACHED),
            Inline::Strike(c, _) => Inline::Strike(detach(c), Span::DETACHED),
            Inline::Link {
                url,
                title,
                content,
                ..
            } => Inline::Link {
                url,
                title,
                content: detach(content),
                span: Span::DETACHED,
            },
            Inline::Span { lang, content, .. } => Inline::Span {
                lang,
                content: detach(content),
                span: Span::DETACHED,
            },
            Inline::SoftBreak(_) => Inline::SoftBreak(Span::DETACHED),
            Inline::HardBreak(_) => Inline::HardBreak(Span::DETACHED),
            other => other,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Block, Inline, plain_text};

    fn parse_ok(text: &str) -> Warned<Document> {
        parse(
            text,
            &ParseOptions {
                name: "test".into(),
                lang: None, title: None,
            },
        )
        .expect("parses")
    }

    #[test]
    fn invalid_utf8_names_line_and_byte() {
        let err = decode_source(b"rad ett\nr\xE4d tv\xE5\n".to_vec()).unwrap_err();
        assert!(err.message.contains("line 2, byte 2"), "{}", err.message);
        assert!(err.message.contains("0xE4"), "{}", err.message);
    }

    #[test]
    fn links_to_headings_that_start_with_a_digit_find_them() {
        let doc = parse_ok("# Teman\n\nSe [teman](#8-bit-themes).\n\n## 8-bit themes\n").output;
        let crate::model::Block::Paragraph { content, .. } = &doc.blocks[1] else {
            panic!("{:?}", doc.blocks[1]);
        };
        assert!(
            matches!(&content[1], Inline::Link { url, .. } if url == "#section-8-bit-themes"),
            "{content:?}"
        );
    }

    #[test]
    fn badges_in_the_first_heading_are_not_the_title() {
        let doc = parse_ok(
            "# ![build](https://ci.example/badge.svg) mdg-export ![crates](https://x.example/c.svg)\n\nText.\n",
        )
        .output;
        assert_eq!(plain_text(&doc.meta.title), "mdg-export");
        // A heading of badges alone names nothing: the next one does.
        let doc = parse_ok("# ![a](a.svg) ![b](b.svg)\n\n## Usage\n").output;
        assert_eq!(plain_text(&doc.meta.title), "Usage");
    }

    #[test]
    fn a_heading_under_which_a_later_one_stands_is_no_title() {
        // bat's README: a logo, then `###` features before `## How to use`.
        let text = "<p><img src=\"logo.svg\" alt=\"bat\"></p>\n\n### Syntax highlighting\n\n\
                    Text.\n\n## How to use\n\nText.\n";
        let parsed = parse_ok(text);
        assert_eq!(plain_text(&parsed.output.meta.title), "test");
        assert!(
            parsed.warnings[0].message.contains("has no title"),
            "{:?}",
            parsed.warnings
        );
        let parsed = parse_ok("## Intro\n\nText.\n\n## Usage\n\n### Flags\n");
        assert_eq!(plain_text(&parsed.output.meta.title), "Intro");
        assert!(parsed.warnings.is_empty(), "{:?}", parsed.warnings);
    }

    #[test]
    fn front_matter_title_may_hold_markdown() {
        let doc = parse_ok("---\ntitle: Om *millenniemålen*\nlang: sv\n---\n\nText.\n").output;
        assert_eq!(plain_text(&doc.meta.title), "Om millenniemålen");
        assert!(matches!(doc.meta.title[1], Inline::Emph(..)));
        assert_eq!(doc.meta.lang, "sv");
    }

    #[test]
    fn front_matter_may_close_with_dots() {
        let doc = parse_ok("---\ntitle: T\n...\n# Rubrik\n").output;
        assert_eq!(plain_text(&doc.meta.title), "T");
        assert_eq!(doc.blocks.len(), 1);
    }

    #[test]
    fn unknown_keys_warn() {
        let warned = parse_ok("---\ntitel: T\n---\nText\n");
        assert!(warned.warnings[0].message.contains("titel"));
    }

    #[test]
    fn bad_yaml_is_an_error_on_its_line() {
        let errors = parse(
            "---\ntitle: T\nkeywords: [a, b\n---\nText\n",
            &ParseOptions { name: "t".into(), lang: None, title: None },
        )
        .unwrap_err();
        let source = "---\ntitle: T\nkeywords: [a, b\n---\nText\n";
        let at = crate::diag::line_col(source, errors[0].span.start);
        assert!((3..=4).contains(&at.line), "line {}", at.line);
    }

    #[test]
    fn leading_image_becomes_the_cover() {
        let doc = parse_ok("![Banderoll](banner.svg)\n\n# Rubrik\n\nText.\n").output;
        assert_eq!(doc.cover.as_ref().unwrap().alt, "Banderoll");
        assert!(matches!(doc.blocks[0], Block::Heading { .. }));
    }

    #[test]
    fn heading_ids_are_unique_slugs() {
        let doc = parse_ok("# Vilka deltar?\n\n# Vilka deltar?\n\n# 2010\n").output;
        let ids: Vec<_> = doc
            .blocks
            .iter()
            .filter_map(|b| match b {
                Block::Heading { id, .. } => Some(id.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(ids, ["vilka-deltar", "vilka-deltar-1", "section-2010"]);
    }

    #[test]
    fn tight_list_items_hold_paragraphs() {
        let doc = parse_ok("- ett\n- två\n  - tre\n").output;
        let Block::List { items, .. } = &doc.blocks[0] else {
            panic!("not a list")
        };
        assert!(matches!(items[0].blocks[0], Block::Paragraph { .. }));
        assert!(matches!(items[1].blocks[1], Block::List { .. }));
    }

    #[test]
    fn footnotes_are_numbered_by_first_reference() {
        let warned = parse_ok("A[^b] B[^a] C[^x]\n\n[^a]: Första.\n[^b]: Andra.\n[^c]: Oanvänd.\n");
        let doc = warned.output;
        assert_eq!(doc.footnotes.len(), 2);
        assert_eq!(doc.footnotes[0].label, "b");
        assert_eq!(doc.footnotes[1].number, 2);
        let messages: Vec<_> = warned.warnings.iter().map(|w| w.message.clone()).collect();
        assert!(messages.iter().any(|m| m.contains("`x`")), "{messages:?}");
        assert!(messages.iter().any(|m| m.contains("`c`")), "{messages:?}");
    }

    #[test]
    fn deep_nesting_is_cut_with_a_warning() {
        let text = format!("{}deep\n", "> ".repeat(5000));
        let warned = parse_ok(&text);
        assert!(warned.warnings.iter().any(|w| w.message.contains("nested")));
        let mut depth = 0;
        let mut blocks = &warned.output.blocks;
        while let Some(Block::Quote { blocks: inner, .. }) = blocks.first() {
            depth += 1;
            blocks = inner;
        }
        assert!(depth <= MAX_NESTING);
        assert!(matches!(blocks.first(), Some(Block::Paragraph { .. })));
    }

    #[test]
    fn spans_point_into_the_whole_source() {
        let text = "---\ntitle: T\n---\n# Rubrik\n";
        let doc = parse_ok(text).output;
        let Block::Heading { span, .. } = &doc.blocks[0] else {
            panic!()
        };
        assert_eq!(&text[span.start..span.end].trim_end(), &"# Rubrik");
    }
}
