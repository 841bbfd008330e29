//! mdg-export turns a Markdown document into a print-ready PDF brochure and
//! an accessible EPUB 3.
//!
//! # Steps
//! 1. `parse` reads the front matter and the Markdown into a
//!    `model::Document`, with a source span on every node.
//! 2. `assets` reads and decodes the images the document refers to.
//! 3. `layout` shapes, breaks and paginates the document into
//!    `layout::Pages` of positioned glyphs, rules and images (in points).
//! 4. `pdf` writes those pages as a PDF; `epub` writes the model as
//!    reflowable XHTML inside an EPUB 3 package.
//!
//! The library never prints, never exits and touches the disk only through
//! an [`AssetSource`]; the command line lives in `main.rs`.
//!
//! # Use
//! [`export`] runs the whole pipeline; everything it needs, and what the
//! command line uses to show messages, is exported at the top of the
//! crate. The stage modules are private (the `internals` feature opens
//! them for the project's own tests, benchmarks and fuzz targets).
//!
//! ```
//! use mdg_export::{ExportOptions, FolderSource, FontSet, export};
//!
//! let markdown = "---\nlang: sv\n---\n# Rubrik\n\nText med *betoning*.\n";
//! let images = FolderSource { base: ".".into(), sandbox: true };
//! let options = ExportOptions {
//!     name: "doc".into(),
//!     pdf: true,
//!     epub: true,
//!     ..ExportOptions::default()
//! };
//! let exported = export(markdown, &images, &FontSet::built_in(), &options)
//!     .expect("no errors");
//! let pdf = exported.output.pdf.expect("a PDF");
//! assert!(pdf.starts_with(b"%PDF-"));
//! let epub = exported.output.epub.expect("an EPUB");
//! assert!(epub.starts_with(b"PK"));
//! // Warnings say what the outputs lack, and where.
//! for warning in &exported.warnings {
//!     eprintln!("{warning}");
//! }
//! ```
//!
//! Errors come back as a list of [`Diagnostic`]s, each with the byte
//! range of the source it is about:
//!
//! ```
//! use mdg_export::{EmbeddedSource, ExportOptions, FontSet, export};
//!
//! let markdown = "# R\n\n![Bild](saknas.png)\n";
//! let none = EmbeddedSource { files: Default::default() };
//! let options = ExportOptions { pdf: true, ..ExportOptions::default() };
//! let errors = export(markdown, &none, &FontSet::built_in(), &options).unwrap_err();
//! assert!(errors[0].message.contains("saknas.png"));
//! assert_eq!(&markdown[errors[0].span.start..][..4], "![Bi");
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

/// Declares the pipeline's stage modules: private to the crate, public
/// only with the `internals` feature, which the project's own tests,
/// benchmarks and fuzz targets turn on to reach a single stage. They are
/// not a stable interface; the API is what the crate's root exports.
macro_rules! stages {
    ($($(#[$doc:meta])* $name:ident;)*) => {$(
        $(#[$doc])*
        #[cfg(feature = "internals")]
        pub mod $name;
        $(#[$doc])*
        #[cfg(not(feature = "internals"))]
        pub(crate) mod $name;
    )*};
}

stages! {
    /// Images: reading, decoding, SVG.
    assets;
    /// Whether the accessibility claims hold for a document.
    conformance;
    /// Messages with their place in the source.
    diag;
    /// The EPUB writer.
    epub;
    /// The faces and their fallbacks.
    fonts;
    /// Shaping, line breaking, pagination.
    layout;
    /// The document model.
    model;
    /// Markdown and front matter → the model.
    parse;
    /// The PDF writer.
    pdf;
}
pub mod builtin;
mod deflate;
mod html;
mod strings;

pub use assets::{AssetSource, EmbeddedSource, FolderSource};
pub use diag::{Diagnostic, LineCol, Repeated, Severity, Span, StageResult, Warned};
pub use diag::{group_repeated, line_col, source_line};
pub use fonts::{FontError, FontSet};
pub use layout::{LayoutOptions, Paper, Stats};
pub use parse::{decode_source, is_language_tag};
pub use pdf::PrintOptions;
use std::collections::{BTreeMap, BTreeSet};

/// What to export and how.
#[derive(Debug, Clone, Default)]
pub struct ExportOptions {
    /// The document's short name (file stem): default output names, and
    /// the title of last resort.
    pub name: String,
    /// The document's language (a BCP 47 tag, see [`is_language_tag`]),
    /// over what its front matter says; `None`: the front matter's, or
    /// English undeclared.
    pub lang: Option<String>,
    /// The document's title (plain text), over what its front matter
    /// says.
    pub title: Option<String>,
    /// Make the PDF.
    pub pdf: bool,
    /// Make the EPUB.
    pub epub: bool,
    /// Layout options for the PDF.
    pub layout: layout::LayoutOptions,
    /// Print production options for the PDF (booklet, bleed, marks).
    pub print: pdf::PrintOptions,
    /// Seconds since 1970 to date the outputs when the front matter has no
    /// date (the `SOURCE_DATE_EPOCH` convention); otherwise 2000-01-01.
    pub source_date_epoch: Option<i64>,
}

/// The exported files.
#[derive(Debug, Clone, Default)]
pub struct Outputs {
    /// The PDF, if asked for.
    pub pdf: Option<Vec<u8>>,
    /// The EPUB, if asked for.
    pub epub: Option<Vec<u8>>,
    /// Typesetting figures of the PDF, with its page count.
    pub pdf_stats: Option<(usize, layout::Stats)>,
}

/// Runs the whole pipeline on Markdown text.
///
/// Images are read through `source`. Returns the outputs with every
/// warning, or every error found; nothing is printed.
pub fn export(
    text: &str,
    source: &dyn AssetSource,
    fonts: &FontSet,
    options: &ExportOptions,
) -> StageResult<Outputs> {
    let parsed = parse::parse(
        text,
        &parse::ParseOptions {
            name: options.name.clone(),
            lang: options.lang.clone(),
            title: options.title.clone(),
        },
    )?;
    let doc = parsed.output;
    let mut warnings = parsed.warnings;
    let loaded = assets::load_assets(&doc, source, fonts)?;
    warnings.extend(loaded.warnings);
    let assets = loaded.output;
    if options.pdf {
        warnings.extend(raw_html_warnings(&doc.blocks));
    }

    // The EPUB's page list follows the PDF's pages, so both come from one
    // pagination: layout runs for either format.
    // The drawings are parsed (PDF) and written out (EPUB) beside layout
    // and the first steps of the writers, which wait for them only when
    // they use them (see assets::SvgDrawing and Asset::bytes).
    std::thread::scope(|scope| {
        if assets.has_svg() {
            scope.spawn(|| assets.prepare(options.pdf, options.epub));
        }
        lay_out_and_write(text, &doc, &assets, fonts, options, warnings)
    })
}

/// Layout and the back ends: the second half of [`export`].
fn lay_out_and_write(
    text: &str,
    doc: &model::Document,
    assets: &assets::Assets,
    fonts: &FontSet,
    options: &ExportOptions,
    mut warnings: Vec<Diagnostic>,
) -> StageResult<Outputs> {
    let mut outputs = Outputs::default();
    let date = doc
        .meta
        .date
        .clone()
        .or_else(|| options.source_date_epoch.map(date_from_epoch))
        .unwrap_or_else(|| "2000-01-01".to_string());
    let creator = format!("mdg-export {}", env!("CARGO_PKG_VERSION"));
    let (pdf, epub) = std::thread::scope(|scope| {
        let laid_out = layout::layout_document(doc, assets, fonts, &options.layout);
        // What the pages cannot hold (a table wider than one letter a
        // column) stops the PDF; the EPUB reflows and needs only where the
        // pages start.
        let (unprintable, layout_warnings): (Vec<_>, Vec<_>) = laid_out
            .warnings
            .into_iter()
            .partition(|d| d.severity == Severity::Error);
        if options.pdf && !unprintable.is_empty() {
            return (Some(Err(unprintable)), None);
        }
        warnings.extend(layout_warnings);
        let pages = laid_out.output;
        warnings.extend(missing_glyph_warning(text, &pages.stats.missing_glyphs));
        outputs.pdf_stats = Some((pages.pages.len(), pages.stats.clone()));
        // Claims of accessibility are made only where they hold.
        let missing_glyphs = !pages.stats.missing_glyphs.is_empty();
        let failures = conformance::check(doc, doc.meta.lang_declared, missing_glyphs);
        warnings.extend(conformance::warnings(&failures));
        let unclaimed = match (failures.is_empty(), missing_glyphs) {
            (true, _) => None,
            (false, true) => Some(pdf::Unclaimed::MissingGlyphs),
            (false, false) => Some(pdf::Unclaimed::Structure),
        };
        let pdf_options = pdf::PdfOptions {
            date: Some(date.clone()),
            creator: creator.clone(),
            print: options.print,
            unclaimed,
        };
        let epub_options = epub::EpubOptions {
            modified: format!("{date}T00:00:00Z"),
            generator: creator.clone(),
            page_starts: pages.page_starts.clone(),
            page_source: Some(format!(
                "{}.pdf, {}",
                options.name,
                options.layout.paper.name()
            )),
            unclaimed: unclaimed.is_some(),
        };
        let make_pdf = |pages| pdf::write_pdf(pages, &doc.meta, assets, fonts, &pdf_options);
        let make_epub = options
            .epub
            .then_some(move || epub::write_epub(doc, assets, fonts, &epub_options));
        // The two back ends share nothing mutable: with both asked for, each
        // gets a core. Each output depends only on its input, so the bytes
        // are the same whichever finishes first.
        match (options.pdf, make_epub) {
            (true, Some(make_epub)) => {
                let epub = scope.spawn(make_epub);
                let pdf = make_pdf(pages);
                let epub = epub.join().unwrap_or_else(|_| {
                    Err(vec![
                        Diagnostic::error(
                            Span::DETACHED,
                            "internal error: the EPUB writer stopped unexpectedly",
                        )
                        .with_hint("this is a bug in mdg-export; please report it"),
                    ])
                });
                (Some(pdf), Some(epub))
            }
            (true, None) => (Some(make_pdf(pages)), None),
            (false, Some(make_epub)) => {
                // The EPUB needs only where the pages start.
                drop(pages);
                (None, Some(make_epub()))
            }
            (false, None) => (None, None),
        }
    });
    let mut errors = Vec::new();
    match pdf {
        Some(Ok(bytes)) => outputs.pdf = Some(bytes),
        Some(Err(mut e)) => errors.append(&mut e),
        None => {}
    }
    match epub {
        Some(Ok(written)) => {
            warnings.extend(written.warnings);
            outputs.epub = Some(written.output);
        }
        Some(Err(mut e)) => errors.append(&mut e),
        None => {}
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Warned {
        output: outputs,
        warnings: merge_warnings(warnings),
    })
}

/// Says which characters the fonts cannot show, and on which lines of
/// `source` each stands, at the first of them. A character not found in
/// the source came from a character reference (`&#x4E2D;`) or from text
/// the tool adds.
fn missing_glyph_warning(source: &str, missing: &BTreeSet<char>) -> Option<Diagnostic> {
    /// Enough to find them; a Chinese text would otherwise list thousands.
    const MAX_CHARS: usize = 12;
    const MAX_LINES: usize = 8;
    if missing.is_empty() {
        return None;
    }
    let mut lines: BTreeMap<char, Vec<usize>> = BTreeMap::new();
    let mut first = None;
    let mut line = 1;
    for (offset, c) in source.char_indices() {
        if c == '\n' {
            line += 1;
        } else if missing.contains(&c) {
            first.get_or_insert(Span::new(offset..offset + c.len_utf8()));
            let seen = lines.entry(c).or_default();
            if seen.last() != Some(&line) {
                seen.push(line);
            }
        }
    }
    let describe = |c: char| {
        let name = format!("{c} (U+{:04X})", u32::from(c));
        match lines.get(&c).map(Vec::as_slice) {
            None => format!("{name} in added text or a character reference"),
            Some([one]) => format!("{name} on line {one}"),
            Some(all) => {
                let shown: Vec<String> = all.iter().take(MAX_LINES).map(usize::to_string).collect();
                let more = if all.len() > MAX_LINES { " …" } else { "" };
                format!("{name} on lines {}{more}", shown.join(", "))
            }
        }
    };
    let mut list: Vec<String> = missing
        .iter()
        .take(MAX_CHARS)
        .map(|&c| describe(c))
        .collect();
    if missing.len() > MAX_CHARS {
        list.push(format!("and {} more", missing.len() - MAX_CHARS));
    }
    Some(
        Diagnostic::warning(
            first.unwrap_or(Span::DETACHED),
            format!("the fonts have no glyph for {}", list.join("; ")),
        )
        .with_hint(
            "these characters print as empty boxes in the PDF; give a font that has them with --fallback-font FILE",
        ),
    )
}

/// Both back ends may report the same thing; say it once. What they say
/// about the same raw HTML (left out of the PDF; what the EPUB kept) is
/// merged into one warning.
fn merge_warnings(warnings: Vec<Diagnostic>) -> Vec<Diagnostic> {
    use std::collections::{BTreeMap, BTreeSet};
    let mut merged: Vec<Diagnostic> = Vec::with_capacity(warnings.len());
    // Indexes, so that a document with thousands of warnings is not
    // merged in quadratic time.
    let mut raw_html: BTreeMap<Span, usize> = BTreeMap::new();
    let mut seen: BTreeSet<(Span, String)> = BTreeSet::new();
    for warning in warnings {
        if let Some(rest) = warning.message.strip_prefix("raw HTML") {
            if let Some(&index) = raw_html.get(&warning.span) {
                let first = &mut merged[index];
                let rest = rest.trim_start();
                if !first.message.contains(rest) {
                    first.message = format!("{}; {rest}", first.message);
                }
                for hint in warning.hints {
                    if !first.hints.contains(&hint) {
                        first.hints.push(hint);
                    }
                }
                continue;
            }
            raw_html.insert(warning.span, merged.len());
        } else if !seen.insert((warning.span, warning.message.clone())) {
            continue;
        }
        merged.push(warning);
    }
    merged
}

/// Raw HTML cannot be set on paper (the EPUB keeps what is harmless).
fn raw_html_warnings(blocks: &[model::Block]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    model::for_each_block(blocks, &mut |block| {
        // A collapsible section's frame loses nothing on paper: layout
        // sets its summary as a title.
        if let model::Block::Html { html, span } = block
            && html::paper_summaries(html).is_none()
        {
            out.push(html_warning(*span));
        }
        for run in block.inline_runs() {
            inline_html_warnings(run, &mut out);
        }
    });
    out
}

fn inline_html_warnings(inlines: &[model::Inline], out: &mut Vec<Diagnostic>) {
    for inline in inlines {
        match inline {
            // What paper sets (bold, a break, a superscript) is no loss.
            model::Inline::Html(html, span) => {
                if html::inline_tag(html).is_none() {
                    out.push(html_warning(*span));
                }
            }
            model::Inline::Emph(children, _)
            | model::Inline::Strong(children, _)
            | model::Inline::Strike(children, _)
            | model::Inline::Link {
                content: children, ..
            }
            | model::Inline::Span {
                content: children, ..
            } => inline_html_warnings(children, out),
            model::Inline::Text(..)
            | model::Inline::Code(..)
            | model::Inline::Emoji { .. }
            | model::Inline::Image(_)
            | model::Inline::FootnoteRef { .. }
            | model::Inline::SoftBreak(_)
            | model::Inline::HardBreak(_) => {}
        }
    }
}

fn html_warning(span: Span) -> Diagnostic {
    Diagnostic::warning(span, "raw HTML is left out of the PDF")
        .with_hint("write it in Markdown, or remove it")
}

/// `YYYY-MM-DD` for seconds since 1970 (UTC), by the civil-from-days
/// algorithm of Howard Hinnant's "chrono-Compatible Low-Level Date
/// Algorithms".
pub fn date_from_epoch(seconds: i64) -> String {
    let days = seconds.div_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

#[cfg(test)]
mod tests {
    #[test]
    fn missing_glyphs_are_listed_with_their_lines() {
        let source = "ett\n中 och 中\n\ntre 中 ☃\n";
        let missing = ['中', '☃', '✔'].into_iter().collect();
        let warning = super::missing_glyph_warning(source, &missing).unwrap();
        assert_eq!(
            warning.message,
            "the fonts have no glyph for ☃ (U+2603) on line 4; \
             ✔ (U+2714) in added text or a character reference; \
             中 (U+4E2D) on lines 2, 4"
        );
        assert_eq!(&source[warning.span.start..warning.span.end], "中");
        assert!(super::missing_glyph_warning(source, &Default::default()).is_none());
    }

    #[test]
    fn raw_html_warnings_at_one_span_are_merged() {
        use super::{Diagnostic, Span, merge_warnings};
        let at = Span { start: 3, end: 9 };
        let merged = merge_warnings(vec![
            Diagnostic::warning(at, "raw HTML is left out of the PDF").with_hint("a"),
            Diagnostic::warning(Span { start: 20, end: 25 }, "raw HTML elsewhere"),
            Diagnostic::warning(at, "raw HTML in the EPUB: left out `<script>`").with_hint("b"),
            Diagnostic::warning(at, "something else"),
            Diagnostic::warning(at, "something else"),
        ]);
        let messages: Vec<&str> = merged.iter().map(|w| w.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "raw HTML is left out of the PDF; in the EPUB: left out `<script>`",
                "raw HTML elsewhere",
                "something else"
            ]
        );
        assert_eq!(merged[0].hints, ["a", "b"]);
    }

    #[test]
    fn dates_from_epoch() {
        assert_eq!(super::date_from_epoch(0), "1970-01-01");
        assert_eq!(super::date_from_epoch(1_284_940_800), "2010-09-20");
    }
}
