//! Whether the accessibility claims the outputs could make hold for this
//! document.
//!
//! The PDF can say it conforms to PDF/UA-1 and PDF/A-2a, the EPUB to EPUB
//! Accessibility 1.1 with WCAG 2.2 AA. The tool's own structure (tags,
//! reading order, navigation, embedded fonts with Unicode maps) is the
//! same for every document; what varies is what the author wrote. A
//! claim is made only when each of these holds, and a warning at the
//! place says which one failed:
//!
//! - every image has alternative text (WCAG 1.1.1; PDF/UA-1 7.3: a
//!   Figure needs `Alt`), except a cover image, which the title beside it
//!   names;
//! - the document's language is declared (WCAG 3.1.1; PDF/UA-1 7.2: the
//!   natural language of the text must be known), not assumed;
//! - headings do not skip levels (PDF/UA-1 7.4.2 and the Matterhorn
//!   Protocol's checkpoint 14-003; WCAG 1.3.1);
//! - every character has a glyph (PDF/UA-1 7.21.7 and PDF/A-2 6.2.11.4:
//!   text that prints as an empty box is not what it claims to be).
//!
//! Not checked, so never the reason to drop a claim: the contrast of the
//! colours of images (WCAG 1.4.3, 1.4.11), whether alternative text says
//! what a picture shows, and whether link texts make sense out of context.

use crate::diag::{Diagnostic, Span};
use crate::model::{Block, Document, Inline};

/// One condition that does not hold, and where.
#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    /// What does not hold, for a message: "the image `x.png` has no
    /// alternative text".
    pub what: String,
    /// Where in the source.
    pub span: Span,
    /// What the author can do.
    pub hint: &'static str,
}

/// Every condition of the accessibility claims that fails for `doc`, in
/// source order; empty when the claims hold. `missing_glyphs` are the
/// characters layout found no glyph for.
pub fn check(doc: &Document, declared_lang: bool, missing_glyphs: bool) -> Vec<Failure> {
    let mut failures = Vec::new();
    if !declared_lang {
        failures.push(Failure {
            what: "the document's language is not declared".into(),
            span: Span::DETACHED,
            hint: "add `lang: sv` (or the document's language) to the front matter, or give `--lang sv`",
        });
    }
    let mut previous_level = 0;
    crate::model::for_each_block(&doc.blocks, &mut |block| {
        if let Block::Heading { level, span, .. } = block {
            if previous_level > 0 && *level > previous_level + 1 {
                failures.push(Failure {
                    what: format!(
                        "a level-{level} heading follows a level-{previous_level} heading"
                    ),
                    span: *span,
                    hint: "don't skip heading levels: a screen reader lists headings as an outline",
                });
            }
            previous_level = *level;
        }
        if let Block::Figure { image, span } = block {
            check_image(image, *span, &mut failures);
        }
        for run in block.inline_runs() {
            images_in(run, &mut failures);
        }
    });
    for note in &doc.footnotes {
        crate::model::for_each_block(&note.blocks, &mut |block| {
            for run in block.inline_runs() {
                images_in(run, &mut failures);
            }
        });
    }
    if missing_glyphs {
        failures.push(Failure {
            what: "some characters have no glyph in the fonts".into(),
            span: Span::DETACHED,
            hint: "give a font that has them with --fallback-font FILE",
        });
    }
    failures.sort_by_key(|f| f.span.start);
    failures
}

/// One warning for the failures: the claims left out, and why.
pub fn warnings(failures: &[Failure]) -> Vec<Diagnostic> {
    failures
        .iter()
        .map(|failure| {
            Diagnostic::warning(
                failure.span,
                format!(
                    "no accessibility claim (PDF/UA-1, PDF/A-2a, WCAG 2.2 AA): {}",
                    failure.what
                ),
            )
            .with_hint(failure.hint)
        })
        .collect()
}

fn check_image(image: &crate::model::Image, span: Span, failures: &mut Vec<Failure>) {
    if image.alt.trim().is_empty() {
        failures.push(Failure {
            what: format!("the image `{}` has no alternative text", image.url),
            span,
            hint: "describe the picture between the brackets: ![what it shows](file.png)",
        });
    }
}

fn images_in(inlines: &[Inline], failures: &mut Vec<Failure>) {
    for inline in inlines {
        match inline {
            Inline::Image(image) => check_image(image, image.span, failures),
            Inline::Emph(children, _)
            | Inline::Strong(children, _)
            | Inline::Strike(children, _) => images_in(children, failures),
            Inline::Link { content, .. } | Inline::Span { content, .. } => {
                images_in(content, failures)
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failures(text: &str) -> Vec<String> {
        let doc = crate::parse::parse(text, &crate::parse::ParseOptions { name: "doc".into(), lang: None, title: None })
            .expect("parses")
            .output;
        check(&doc, true, false)
            .into_iter()
            .map(|f| f.what)
            .collect()
    }

    #[test]
    fn images_without_alternative_text_fail() {
        assert_eq!(
            failures("# R\n\n![](a.png)\n\nText ![](b.png) och ![B](c.png).\n"),
            [
                "the image `a.png` has no alternative text",
                "the image `b.png` has no alternative text"
            ]
        );
    }

    #[test]
    fn skipped_heading_levels_fail_and_returning_up_does_not() {
        assert_eq!(
            failures("# A\n\n### C\n\n## B\n\n### C\n\n# D\n"),
            ["a level-3 heading follows a level-1 heading"]
        );
    }

    #[test]
    fn the_summit_text_passes() {
        let doc = crate::parse::parse(
            crate::builtin::MARKDOWN,
            &crate::parse::ParseOptions {
                name: "toppmotet".into(),
                lang: None, title: None,
            },
        )
        .expect("parses")
        .output;
        assert!(doc.meta.lang_declared);
        assert_eq!(check(&doc, doc.meta.lang_declared, false), []);
    }

    #[test]
    fn a_complete_document_passes() {
        assert!(failures("# A\n\n## B\n\n![Bild](a.png)\n").is_empty());
    }
}
