//! Layout: document model → pages of positioned glyphs, rules and images.
//!
//! 1. [`flow`] turns blocks into a vertical list of lines and boxes, using
//!    [`shape`] for glyphs and [`text`] to break paragraphs into lines.
//! 2. [`pages`] cuts that list into pages (keeping headings with what
//!    follows, avoiding lone lines) and adds the cover and page numbers.
//!
//! All lengths are in PostScript points, origin at the top left of the
//! page, y growing downwards. No type of any PDF library appears here.

mod breaking;
mod flow;
mod pages;
pub mod shape;
pub mod structure;
pub mod style;
pub mod text;

use crate::assets::Assets;
use crate::diag::Warned;
use crate::fonts::{FaceRole, FontSet};
use crate::model::Document;
use std::collections::{BTreeMap, BTreeSet};

pub use flow::PageAnchor;
pub use pages::format_date;
pub use structure::{Role, Structure, Tag};
pub use style::{Paper, Theme};

/// Options for layout.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct LayoutOptions {
    /// The paper size.
    pub paper: Paper,
    /// A table of contents after the cover: `Some(true)` always,
    /// `Some(false)` never, `None` when the document has more than five
    /// headings of levels 1 and 2.
    pub toc: Option<bool>,
}

/// A finished layout: pages with items at fixed positions.
///
/// This type is the whole contract between layout and the PDF writer.
#[derive(Debug, Clone, PartialEq)]
pub struct Pages {
    /// Page width in points.
    pub width: f32,
    /// Page height in points.
    pub height: f32,
    /// The pages, in reading order.
    pub pages: Vec<Page>,
    /// Headings for the PDF outline, in document order.
    pub outline: Vec<OutlineEntry>,
    /// Where each anchor (heading id, footnote) landed: page index and y.
    pub anchors: BTreeMap<String, (usize, f32)>,
    /// Figures on how the text was set.
    pub stats: Stats,
    /// Where each page after the cover begins in the document: its
    /// printed number and place. The EPUB's page list is made from this,
    /// so a reader of either edition can cite the same page.
    pub page_starts: Vec<(usize, PageAnchor)>,
    /// The document's logical structure; text runs, images and links
    /// name their node in it with their [`Tag`].
    pub structure: Structure,
}

/// Figures on the typesetting, for `--stats` and the tests.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Stats {
    /// Lines of running text (justified paragraphs).
    pub lines: usize,
    /// Lines of running text ending with an inserted hyphen.
    pub hyphenated: usize,
    /// The longest run of consecutive hyphenated lines.
    pub max_hyphen_run: usize,
    /// Lines wider than their measure (always 0 unless there is a bug).
    pub overfull: usize,
    /// Paragraphs that needed the emergency pass.
    pub emergency: usize,
    /// Mean word space of each justified line but paragraphs' last, in pt.
    pub word_spaces: Vec<f32>,
    /// Times a break was moved to keep lines or a heading together
    /// (widows, orphans, headings kept with their text).
    pub keeps: usize,
    /// Characters no face could show: they are set as the font's empty
    /// box (glyph 0). [`crate::export`] warns about them with the lines
    /// of the source they stand on.
    pub missing_glyphs: BTreeSet<char>,
}

impl Stats {
    /// Adds the figures of text set after this text (on another thread).
    pub fn absorb(&mut self, later: Stats) {
        self.lines += later.lines;
        self.hyphenated += later.hyphenated;
        self.max_hyphen_run = self.max_hyphen_run.max(later.max_hyphen_run);
        self.overfull += later.overfull;
        self.emergency += later.emergency;
        self.word_spaces.extend(later.word_spaces);
        self.keeps += later.keeps;
        self.missing_glyphs.extend(later.missing_glyphs);
    }

    /// Median and 95th percentile of the word spaces, and their ratio
    /// (the spread: 1.0 means every line spaced alike).
    pub fn spread(&self) -> Option<(f32, f32, f32)> {
        if self.word_spaces.is_empty() {
            return None;
        }
        let mut spaces = self.word_spaces.clone();
        spaces.sort_by(f32::total_cmp);
        let at = |q: f32| spaces[((spaces.len() - 1) as f32 * q).round() as usize];
        let (median, p95) = (at(0.5), at(0.95));
        Some((median, p95, p95 / median))
    }
}

/// One page.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Page {
    /// What is drawn, in drawing order.
    pub items: Vec<Item>,
    /// The printed page number, if one is shown (not on the cover).
    pub number: Option<usize>,
}

/// Something drawn at a fixed position.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    /// A run of glyphs in one face and size.
    Text(TextRun),
    /// A straight line; always an artifact (rules, underlines, marks).
    Line {
        /// Start point.
        from: (f32, f32),
        /// End point.
        to: (f32, f32),
        /// Stroke width.
        width: f32,
        /// Gray level, 0 black to 1 white.
        gray: f32,
    },
    /// An image from the document's assets, scaled into `rect`.
    Image {
        /// The asset's URL.
        url: String,
        /// Where it is drawn.
        rect: Rect,
        /// Its alternative text.
        alt: String,
        /// Its structure node (a figure), or an artifact.
        tag: Tag,
    },
    /// A clickable area.
    Link {
        /// The area.
        rect: Rect,
        /// Where it leads.
        target: LinkTarget,
        /// Its structure node (a link), or an artifact.
        tag: Tag,
    },
}

impl Item {
    /// The item moved by `dx`, `dy`: from line to element coordinates,
    /// from element to page coordinates.
    pub fn translated(self, dx: f32, dy: f32) -> Item {
        let moved = |rect: Rect| Rect {
            x: rect.x + dx,
            y: rect.y + dy,
            ..rect
        };
        match self {
            Item::Text(mut run) => {
                run.x += dx;
                run.y += dy;
                Item::Text(run)
            }
            Item::Line {
                from,
                to,
                width,
                gray,
            } => Item::Line {
                from: (from.0 + dx, from.1 + dy),
                to: (to.0 + dx, to.1 + dy),
                width,
                gray,
            },
            Item::Image {
                url,
                rect,
                alt,
                tag,
            } => Item::Image {
                url,
                rect: moved(rect),
                alt,
                tag,
            },
            Item::Link { rect, target, tag } => Item::Link {
                rect: moved(rect),
                target,
                tag,
            },
        }
    }
}

/// A rectangle: left, top, width, height in points.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Rect {
    /// Left edge.
    pub x: f32,
    /// Top edge.
    pub y: f32,
    /// Width.
    pub w: f32,
    /// Height.
    pub h: f32,
}

/// Where a link leads.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum LinkTarget {
    /// An external URI.
    Uri(String),
    /// An anchor in this document (a heading id or a footnote).
    Anchor(String),
}

/// A run of shaped glyphs on one baseline.
#[derive(Debug, Clone, PartialEq)]
pub struct TextRun {
    /// Pen position of the first glyph: x, and y of the baseline.
    pub x: f32,
    /// Baseline.
    pub y: f32,
    /// The face.
    pub face: FaceRole,
    /// Font size in points.
    pub size: f32,
    /// Gray level, 0 black to 1 white.
    pub gray: f32,
    /// Horizontal scale of the glyphs (1.0: as designed); font expansion
    /// in justified lines. Advances already include it.
    pub hscale: f32,
    /// The glyphs; advances are in points at this size.
    pub glyphs: Vec<PlacedGlyph>,
    /// Its structure node, or an artifact.
    pub tag: Tag,
}

/// A glyph with the advance it is set with (kerning and justification
/// included), in points.
#[derive(Debug, Clone, PartialEq)]
pub struct PlacedGlyph {
    /// Glyph id in the face.
    pub id: u16,
    /// Advance in points.
    pub advance: f32,
    /// Vertical offset in points (up is positive).
    pub rise: f32,
    /// The text it stands for (see [`shape::Glyph::text`]).
    pub text: std::sync::Arc<str>,
}

/// For the tests: what a run spans and says.
#[cfg(any(test, feature = "internals"))]
impl TextRun {
    /// The run's width in points.
    pub fn width(&self) -> f32 {
        self.glyphs.iter().map(|g| g.advance).sum()
    }

    /// The run's text.
    pub fn text(&self) -> String {
        self.glyphs.iter().map(|g| &*g.text).collect()
    }
}

/// A heading in the outline.
#[derive(Debug, Clone, PartialEq)]
pub struct OutlineEntry {
    /// 1 to 6.
    pub level: u8,
    /// The heading as plain text.
    pub title: String,
    /// The heading's anchor.
    pub id: String,
    /// Page index (0 is the cover).
    pub page: usize,
    /// Top of the heading on its page.
    pub y: f32,
}

/// Lays out a document on pages.
pub fn layout_document(
    doc: &Document,
    assets: &Assets,
    fonts: &FontSet,
    options: &LayoutOptions,
) -> Warned<Pages> {
    let theme = Theme::for_paper(options.paper);
    let mut shaper = shape::Shaper::new(fonts);
    let (mut flow, stats) = flow::build_flow(doc, assets, &theme, &mut shaper);
    let warnings = std::mem::take(&mut flow.warnings);
    let mut pages = pages::paginate(doc, assets, &theme, &mut shaper, flow, stats);
    let major_headings = pages.outline.iter().filter(|e| e.level <= 2).count();
    if options.toc.unwrap_or(major_headings > 5) {
        pages::insert_toc(&mut pages, &theme, &mut shaper, &doc.meta.lang);
    }

    pages.stats.missing_glyphs = shaper.missing.iter().map(|&(_, c)| c).collect();
    Warned {
        output: pages,
        warnings,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Block, plain_text};

    fn summit() -> (Document, Pages) {
        let doc = crate::parse::parse(
            crate::builtin::MARKDOWN,
            &crate::parse::ParseOptions { name: "t".into(), lang: None, title: None },
        )
        .unwrap()
        .output;
        let fonts = FontSet::built_in();
        let source = crate::builtin::assets();
        let assets = crate::assets::load_assets(&doc, &source, &fonts)
            .unwrap()
            .output;
        let pages = layout_document(&doc, &assets, &fonts, &LayoutOptions::default()).output;
        (doc, pages)
    }

    #[test]
    fn every_page_after_the_cover_has_a_start_in_the_document() {
        let (doc, pages) = summit();
        assert_eq!(pages.page_starts.len(), pages.pages.len() - 1);
        for (k, (number, anchor)) in pages.page_starts.iter().enumerate() {
            assert_eq!(*number, k + 2, "printed numbers follow the pages");
            let block = doc
                .blocks
                .iter()
                .find(|b| b.span().start == anchor.block)
                .expect("a page starts in a top-level block of the summit");
            let words = match block {
                Block::Paragraph { content, .. } | Block::Heading { content, .. } => {
                    plain_text(content).split_whitespace().count()
                }
                _ => 1,
            };
            assert!(anchor.word < words.max(1));
        }
    }

    #[test]
    fn no_heading_is_last_on_a_page() {
        let (_, pages) = summit();
        let theme = Theme::for_paper(Paper::A5);
        for entry in &pages.outline {
            // At least two lines of text fit below the heading's top.
            assert!(
                entry.y + 4.0 * theme.leading <= theme.block_bottom(),
                "{} sits at the foot of page {}",
                entry.title,
                entry.page + 1
            );
        }
    }
}
