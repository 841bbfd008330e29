//! Golden dumps of the document model: `tests/cases/NAME.md` is parsed and
//! its model dump compared with `tests/cases/NAME.model`. The summit text
//! (`content/toppmotet.md`) is one of the cases.
//!
//! `UPDATE_GOLDEN=1 cargo test --test golden` rewrites the references. A
//! missing reference is written and the test fails, so a new reference is
//! never accepted silently.

use mdg_export::model::{Block, Document, Image, Inline, plain_text};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn check(markdown: &Path, reference: &Path) -> Result<(), String> {
    let text = std::fs::read_to_string(markdown).map_err(|e| e.to_string())?;
    let name = markdown.file_stem().unwrap().to_string_lossy().into_owned();
    let parsed = mdg_export::parse::parse(
        &text,
        &mdg_export::parse::ParseOptions {
            name,
            lang: None,
            title: None,
        },
    )
    .map_err(|errors| format!("{}: {errors:?}", markdown.display()))?;
    let mut dump = dump_document(&parsed.output);
    for warning in &parsed.warnings {
        let at = mdg_export::diag::line_col(&text, warning.span.start);
        dump.push_str(&format!(
            "warning {}:{} {}\n",
            at.line, at.column, warning.message
        ));
    }
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    match std::fs::read_to_string(reference) {
        Ok(expected) if expected == dump => Ok(()),
        Ok(_) if update => std::fs::write(reference, &dump).map_err(|e| e.to_string()),
        Ok(expected) => Err(format!(
            "{} differs from {}:\n--- expected\n{expected}\n--- actual\n{dump}",
            markdown.display(),
            reference.display()
        )),
        Err(_) => {
            std::fs::write(reference, &dump).map_err(|e| e.to_string())?;
            if update {
                Ok(())
            } else {
                Err(format!(
                    "new reference {} written; check it and run again",
                    reference.display()
                ))
            }
        }
    }
}

#[test]
fn models_match_their_references() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut cases: Vec<(PathBuf, PathBuf)> = std::fs::read_dir(root.join("tests/cases"))
        .unwrap()
        .filter_map(|entry| {
            let path = entry.ok()?.path();
            (path.extension()? == "md").then(|| {
                let reference = path.with_extension("model");
                (path, reference)
            })
        })
        .collect();
    cases.push((
        root.join("content/toppmotet.md"),
        root.join("tests/cases/toppmotet.model"),
    ));
    cases.sort();
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|(md, reference)| check(md, reference).err())
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    assert!(cases.len() >= 2);
}

/// Writes a stable, indented text dump of the model, for golden tests.
///
/// One node a line with its span; no addresses and no map order, so the
/// same document always gives the same dump.
fn dump_document(doc: &Document) -> String {
    let mut out = String::new();
    let meta = &doc.meta;
    let _ = writeln!(out, "meta");
    let _ = writeln!(out, "  name {:?}", meta.name);
    let _ = writeln!(out, "  title {:?}", plain_text(&meta.title));
    let _ = writeln!(out, "  subtitle {:?}", plain_text(&meta.subtitle));
    let _ = writeln!(out, "  authors {:?}", meta.authors);
    let _ = writeln!(out, "  publisher {:?}", meta.publisher);
    let _ = writeln!(out, "  lang {:?}", meta.lang);
    let _ = writeln!(out, "  date {:?}", meta.date);
    let _ = writeln!(out, "  description {:?}", meta.description);
    let _ = writeln!(out, "  keywords {:?}", meta.keywords);
    let _ = writeln!(out, "  place {:?}", meta.place);
    if let Some(cover) = &doc.cover {
        let _ = writeln!(out, "cover");
        dump_image(cover, 1, &mut out);
    }
    for block in &doc.blocks {
        dump_block(block, 0, &mut out);
    }
    for note in &doc.footnotes {
        let _ = writeln!(
            out,
            "footnote {} {:?} @{}..{}",
            note.number, note.label, note.span.start, note.span.end
        );
        for block in &note.blocks {
            dump_block(block, 1, &mut out);
        }
    }
    out
}

fn indent(depth: usize, out: &mut String) {
    for _ in 0..depth {
        out.push_str("  ");
    }
}

fn dump_image(image: &Image, depth: usize, out: &mut String) {
    indent(depth, out);
    let _ = writeln!(
        out,
        "image {:?} alt={:?} title={:?} @{}..{}",
        image.url, image.alt, image.title, image.span.start, image.span.end
    );
}

fn dump_block(block: &Block, depth: usize, out: &mut String) {
    indent(depth, out);
    match block {
        Block::Heading {
            level,
            id,
            content,
            span,
        } => {
            let _ = writeln!(out, "heading {level} #{id} @{}..{}", span.start, span.end);
            dump_inlines(content, depth + 1, out);
        }
        Block::Paragraph { content, span } => {
            let _ = writeln!(out, "paragraph @{}..{}", span.start, span.end);
            dump_inlines(content, depth + 1, out);
        }
        Block::Caption {
            content,
            above,
            span,
        } => {
            let side = if *above { "above" } else { "below" };
            let _ = writeln!(out, "caption {side} @{}..{}", span.start, span.end);
            dump_inlines(content, depth + 1, out);
        }
        Block::Figure { image, span } => {
            let _ = writeln!(out, "figure @{}..{}", span.start, span.end);
            dump_image(image, depth + 1, out);
        }
        Block::List { start, items, span } => {
            let _ = writeln!(out, "list start={start:?} @{}..{}", span.start, span.end);
            for item in items {
                indent(depth + 1, out);
                let _ = writeln!(
                    out,
                    "item task={:?} @{}..{}",
                    item.task, item.span.start, item.span.end
                );
                for block in &item.blocks {
                    dump_block(block, depth + 2, out);
                }
            }
        }
        Block::Quote {
            alert: None,
            blocks,
            span,
        } => {
            let _ = writeln!(out, "quote @{}..{}", span.start, span.end);
            for block in blocks {
                dump_block(block, depth + 1, out);
            }
        }
        Block::Quote {
            alert: Some(alert),
            blocks,
            span,
        } => {
            let _ = writeln!(out, "alert {alert:?} @{}..{}", span.start, span.end);
            for block in blocks {
                dump_block(block, depth + 1, out);
            }
        }
        Block::Code { lang, text, span } => {
            let _ = writeln!(
                out,
                "code lang={lang:?} {text:?} @{}..{}",
                span.start, span.end
            );
        }
        Block::Table {
            align,
            head,
            rows,
            span,
        } => {
            let _ = writeln!(out, "table {align:?} @{}..{}", span.start, span.end);
            for (i, row) in std::iter::once(head).chain(rows).enumerate() {
                indent(depth + 1, out);
                let _ = writeln!(out, "{}", if i == 0 { "head" } else { "row" });
                for cell in row {
                    indent(depth + 2, out);
                    let _ = writeln!(out, "cell");
                    dump_inlines(cell, depth + 3, out);
                }
            }
        }
        Block::Rule { span } => {
            let _ = writeln!(out, "rule @{}..{}", span.start, span.end);
        }
        Block::Html { html, span } => {
            let _ = writeln!(out, "html {html:?} @{}..{}", span.start, span.end);
        }
        Block::Div { lang, blocks, span } => {
            let _ = writeln!(out, "div lang={lang:?} @{}..{}", span.start, span.end);
            for block in blocks {
                dump_block(block, depth + 1, out);
            }
        }
    }
}

fn dump_inlines(inlines: &[Inline], depth: usize, out: &mut String) {
    for inline in inlines {
        if let Inline::Image(image) = inline {
            dump_image(image, depth, out);
            continue;
        }
        indent(depth, out);
        let span = inline.span();
        let at = format!("@{}..{}", span.start, span.end);
        match inline {
            Inline::Text(text, _) => {
                let _ = writeln!(out, "text {text:?} {at}");
            }
            Inline::Code(text, _) => {
                let _ = writeln!(out, "code {text:?} {at}");
            }
            Inline::Emph(children, _) => {
                let _ = writeln!(out, "emph {at}");
                dump_inlines(children, depth + 1, out);
            }
            Inline::Strong(children, _) => {
                let _ = writeln!(out, "strong {at}");
                dump_inlines(children, depth + 1, out);
            }
            Inline::Strike(children, _) => {
                let _ = writeln!(out, "strike {at}");
                dump_inlines(children, depth + 1, out);
            }
            Inline::Link {
                url,
                title,
                content,
                ..
            } => {
                let _ = writeln!(out, "link {url:?} title={title:?} {at}");
                dump_inlines(content, depth + 1, out);
            }
            Inline::Image(_) => {}
            Inline::FootnoteRef { label, number, .. } => {
                let _ = writeln!(out, "noteref {number} {label:?} {at}");
            }
            Inline::SoftBreak(_) => {
                let _ = writeln!(out, "softbreak {at}");
            }
            Inline::HardBreak(_) => {
                let _ = writeln!(out, "hardbreak {at}");
            }
            Inline::Html(html, _) => {
                let _ = writeln!(out, "html {html:?} {at}");
            }
            Inline::Emoji {
                emoji, shortcode, ..
            } => {
                let _ = writeln!(out, "emoji {emoji:?} :{shortcode}: {at}");
            }
            Inline::Span { lang, content, .. } => {
                let _ = writeln!(out, "span lang={lang:?} {at}");
                dump_inlines(content, depth + 1, out);
            }
        }
    }
}
