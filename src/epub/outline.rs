//! Splits the body into chapter files and builds the heading outline.
//!
//! Goes in: the document's blocks. Comes out: one [`Chapter`] per file, the
//! nested table of contents and a map from every heading id to its file,
//! so that `#id` links can be pointed at `chapter-N.xhtml#id`.

use crate::strings::Strings;
use super::xml::{encode_url, id_token};
use crate::model::{Block, Document, Inline, plain_text};
use std::collections::BTreeMap;

/// The endnotes file, also named in links before it is written.
pub(super) const NOTES_FILE: &str = "notes.xhtml";

/// One XHTML file of running text.
#[derive(Debug)]
pub(super) struct Chapter<'a> {
    /// File name inside the package folder, e.g. `chapter-2.xhtml`.
    pub file: String,
    /// The blocks it holds, in reading order.
    pub blocks: &'a [Block],
    /// Its `<title>`: the opening heading's text, or for text before the
    /// first heading the document title.
    pub title: String,
}

/// One entry of the table of contents (nav and NCX alike).
#[derive(Debug, Clone, PartialEq)]
pub(super) struct TocEntry {
    /// The label, as plain text.
    pub label: String,
    /// Where it points, relative to the package folder (`file#id`).
    pub href: String,
    /// Entries for lower-level headings under this one.
    pub children: Vec<TocEntry>,
}

/// The document cut into files, with its table of contents.
#[derive(Debug)]
pub(super) struct Outline<'a> {
    /// The chapter files, in reading order; never empty.
    pub chapters: Vec<Chapter<'a>>,
    /// The heading level that starts a new file: the smallest level used
    /// by a top-level heading (1 when there are no headings).
    pub top_level: u8,
    /// The table of contents, nested by heading level.
    pub toc: Vec<TocEntry>,
    /// Every heading id (also those inside quotes, lists and footnotes)
    /// → the file that holds it. First definition wins.
    pub anchors: BTreeMap<String, String>,
}

/// Cuts the document at each heading of the smallest level present.
///
/// Text before the first such heading gets a file of its own, listed in
/// the table of contents under the document title, so a reader can find
/// it again.
pub(super) fn build_outline<'a>(doc: &'a Document, strings: &Strings) -> Outline<'a> {
    let top_level = doc
        .blocks
        .iter()
        .filter_map(|block| match block {
            Block::Heading { level, .. } => Some((*level).clamp(1, 6)),
            _ => None,
        })
        .min()
        .unwrap_or(1);

    let mut starts: Vec<usize> = doc
        .blocks
        .iter()
        .enumerate()
        .filter(|(_, block)| is_chapter_heading(block, top_level))
        .map(|(i, _)| i)
        .collect();
    if starts.first() != Some(&0) {
        starts.insert(0, 0);
    }

    let doc_title = plain_text(&doc.meta.title);
    let mut chapters = Vec::new();
    for (n, &start) in starts.iter().enumerate() {
        let end = starts.get(n + 1).copied().unwrap_or(doc.blocks.len());
        let blocks = &doc.blocks[start..end];
        let title = match blocks.first() {
            Some(Block::Heading { content, .. }) if is_chapter_heading(&blocks[0], top_level) => {
                heading_text(content)
            }
            _ => doc_title.clone(),
        };
        chapters.push(Chapter {
            file: format!("chapter-{}.xhtml", n + 1),
            blocks,
            title: label_or(title.trim(), strings.untitled),
        });
    }

    let mut anchors = BTreeMap::new();
    for chapter in &chapters {
        collect_anchors(chapter.blocks, &chapter.file, &mut anchors);
    }
    for note in &doc.footnotes {
        collect_anchors(&note.blocks, NOTES_FILE, &mut anchors);
    }

    let mut flat = Vec::new();
    for chapter in &chapters {
        let opens_with_heading = chapter
            .blocks
            .first()
            .is_some_and(|block| is_chapter_heading(block, top_level));
        if !opens_with_heading {
            let label = if doc_title.trim().is_empty() {
                strings.start.to_string()
            } else {
                chapter.title.clone()
            };
            flat.push((top_level, entry(label, chapter.file.clone())));
        }
        for block in chapter.blocks {
            if let Block::Heading {
                level, id, content, ..
            } = block
            {
                let label = label_or(heading_text(content).trim(), strings.untitled);
                let href = format!("{}#{}", chapter.file, encode_url(&id_token(id)));
                flat.push(((*level).clamp(1, 6), entry(label, href)));
            }
        }
    }
    if !doc.footnotes.is_empty() {
        flat.push((
            top_level,
            entry(strings.notes.to_string(), NOTES_FILE.into()),
        ));
    }
    let mut flat = flat.into_iter().peekable();
    let toc = nest(&mut flat, 0);

    Outline {
        chapters,
        top_level,
        toc,
        anchors,
    }
}

/// A heading's text for labels and titles: its plain text without note
/// numbers ("Bakgrund", not "Bakgrund1").
fn heading_text(inlines: &[Inline]) -> String {
    let mut out = String::new();
    for inline in inlines {
        match inline {
            Inline::FootnoteRef { .. } => {}
            Inline::Emph(children, _)
            | Inline::Strong(children, _)
            | Inline::Strike(children, _) => out.push_str(&heading_text(children)),
            Inline::Link { content, .. } | Inline::Span { content, .. } => {
                out.push_str(&heading_text(content))
            }
            other => out.push_str(&plain_text(std::slice::from_ref(other))),
        }
    }
    out
}

fn is_chapter_heading(block: &Block, top_level: u8) -> bool {
    matches!(block, Block::Heading { level, .. } if (*level).clamp(1, 6) == top_level)
}

fn entry(label: String, href: String) -> TocEntry {
    TocEntry {
        label,
        href,
        children: Vec::new(),
    }
}

/// A nav label must not be empty (a reading system would show a blank
/// line, a screen reader would say nothing).
fn label_or(label: &str, fallback: &str) -> String {
    let label = label.split_whitespace().collect::<Vec<_>>().join(" ");
    if label.is_empty() {
        fallback.to_string()
    } else {
        label
    }
}

/// Nests a flat list of `(level, entry)`: an entry owns the entries after
/// it with a higher level. Skipped levels (h1 → h3) nest one step, as a
/// reader expects. Recursion depth is bounded by the six heading levels.
fn nest(
    flat: &mut std::iter::Peekable<impl Iterator<Item = (u8, TocEntry)>>,
    parent_level: u8,
) -> Vec<TocEntry> {
    let mut out = Vec::new();
    while let Some((level, mut entry)) = flat.next_if(|(level, _)| *level > parent_level) {
        entry.children = nest(flat, level);
        out.push(entry);
    }
    out
}

fn collect_anchors(blocks: &[Block], file: &str, anchors: &mut BTreeMap<String, String>) {
    crate::model::for_each_block(blocks, &mut |block| {
        if let Block::Heading { id, .. } = block {
            anchors
                .entry(id_token(id).into_owned())
                .or_insert_with(|| file.to_string());
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Span;
    use crate::model::Inline;

    fn heading(level: u8, id: &str) -> Block {
        Block::Heading {
            level,
            id: id.into(),
            content: vec![Inline::Text(id.to_uppercase(), Span::DETACHED)],
            span: Span::DETACHED,
        }
    }

    fn para(text: &str) -> Block {
        Block::Paragraph {
            content: vec![Inline::Text(text.into(), Span::DETACHED)],
            span: Span::DETACHED,
        }
    }

    fn labels(toc: &[TocEntry]) -> String {
        toc.iter()
            .map(|e| {
                if e.children.is_empty() {
                    e.label.clone()
                } else {
                    format!("{}({})", e.label, labels(&e.children))
                }
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn splits_at_the_smallest_level_with_a_file_for_the_preamble() {
        let mut doc = Document::default();
        doc.meta.title = vec![Inline::Text("Bok".into(), Span::DETACHED)];
        doc.blocks = vec![
            para("intro"),
            heading(3, "a"),
            heading(2, "b"),
            para("x"),
            heading(4, "c"),
            heading(3, "d"),
            heading(2, "e"),
        ];
        let outline = build_outline(&doc, &Strings::for_lang("sv"));
        assert_eq!(outline.top_level, 2);
        let files: Vec<_> = outline
            .chapters
            .iter()
            .map(|c| (c.file.as_str(), c.blocks.len(), c.title.as_str()))
            .collect();
        assert_eq!(
            files,
            [
                ("chapter-1.xhtml", 2, "Bok"),
                ("chapter-2.xhtml", 4, "B"),
                ("chapter-3.xhtml", 1, "E")
            ]
        );
        assert_eq!(labels(&outline.toc), "Bok(A) B(C D) E");
        assert_eq!(outline.anchors["c"], "chapter-2.xhtml");
        assert_eq!(outline.toc[1].children[0].href, "chapter-2.xhtml#c");
    }

    #[test]
    fn labels_leave_out_note_numbers() {
        let content = vec![
            Inline::Strong(
                vec![Inline::Text("Bak".into(), Span::DETACHED)],
                Span::DETACHED,
            ),
            Inline::Text("grund".into(), Span::DETACHED),
            Inline::FootnoteRef {
                label: "x".into(),
                number: 1,
                span: Span::DETACHED,
            },
        ];
        assert_eq!(heading_text(&content), "Bakgrund");
    }

    #[test]
    fn a_document_without_blocks_still_has_one_file() {
        let doc = Document::default();
        let outline = build_outline(&doc, &Strings::for_lang("en"));
        assert_eq!(outline.chapters.len(), 1);
        assert_eq!(labels(&outline.toc), "Start");
    }
}
