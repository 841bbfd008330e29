//! The document model: what the Markdown says, independent of any output.
//!
//! Plain data made by [`crate::parse`] and read by both back ends. Every
//! node carries the [`Span`] of the Markdown it came from, so a back end
//! that cannot handle a node can say where it is.

use crate::diag::Span;
use std::fmt::Write as _;

/// A parsed document: its metadata, an optional cover image and its body.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Document {
    /// Front-matter metadata.
    pub meta: Meta,
    /// An image that stood before the first heading and text; it becomes
    /// the cover (PDF title page, EPUB cover) instead of a body figure.
    pub cover: Option<Image>,
    /// The body, in reading order.
    pub blocks: Vec<Block>,
    /// Footnote definitions, in order of first reference.
    pub footnotes: Vec<Footnote>,
}

/// Front-matter metadata. Text fields may hold inline Markdown.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Meta {
    /// The title; falls back to the first heading, then to the file name.
    pub title: Vec<Inline>,
    /// A subtitle shown under the title.
    pub subtitle: Vec<Inline>,
    /// Authors, as plain text.
    pub authors: Vec<String>,
    /// The publisher, as plain text.
    pub publisher: Option<String>,
    /// BCP 47 language tag, e.g. `sv`.
    pub lang: String,
    /// The front matter said the language; otherwise `lang` is the
    /// default, `en`, which may be wrong (see [`crate::conformance`]).
    pub lang_declared: bool,
    /// Publication date as written (`YYYY-MM-DD`), if given.
    pub date: Option<String>,
    /// A short description (PDF subject, EPUB description).
    pub description: Option<String>,
    /// Keywords.
    pub keywords: Vec<String>,
    /// Where the event or publication takes place, shown on the cover.
    pub place: Option<String>,
    /// The short name used for default output files (`out/<name>.pdf`).
    pub name: String,
}

/// A block-level element.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// A heading; `level` is 1 to 6, `id` is a unique anchor.
    Heading {
        /// 1 to 6.
        level: u8,
        /// A unique, URL-safe anchor made from the text (or given as `{#id}`).
        id: String,
        /// The heading text.
        content: Vec<Inline>,
        /// Where it stands.
        span: Span,
    },
    /// A paragraph of running text.
    Paragraph {
        /// The text.
        content: Vec<Inline>,
        /// Where it stands.
        span: Span,
    },
    /// A line that names the block beside it: mdBook's file name above
    /// a listing, "Listing 4-1: …" below it. Never indented, and kept on
    /// the page of the block it names.
    Caption {
        /// The text.
        content: Vec<Inline>,
        /// It stands above the block it names (else below).
        above: bool,
        /// Where it stands.
        span: Span,
    },
    /// A paragraph that holds a single image: set as a figure.
    Figure {
        /// The image.
        image: Image,
        /// Where it stands.
        span: Span,
    },
    /// A bulleted or numbered list.
    List {
        /// `Some(n)`: numbered from `n`; `None`: bulleted.
        start: Option<u64>,
        /// The items.
        items: Vec<ListItem>,
        /// Where it stands.
        span: Span,
    },
    /// A block quotation, or a GitHub alert written as one
    /// (`> [!NOTE]`).
    Quote {
        /// The alert it is; `None` for a quotation.
        alert: Option<Alert>,
        /// The quoted blocks.
        blocks: Vec<Block>,
        /// Where it stands.
        span: Span,
    },
    /// Preformatted code.
    Code {
        /// The info string's first word, e.g. `rust`.
        lang: Option<String>,
        /// The text, with a final line break removed.
        text: String,
        /// Where it stands.
        span: Span,
    },
    /// A GFM table.
    Table {
        /// Column alignments; its length is the number of columns.
        align: Vec<Align>,
        /// The header row.
        head: Vec<Vec<Inline>>,
        /// The body rows, each padded to the number of columns.
        rows: Vec<Vec<Vec<Inline>>>,
        /// Where it stands.
        span: Span,
    },
    /// A thematic break (`***`).
    Rule {
        /// Where it stands.
        span: Span,
    },
    /// Raw HTML kept as written; back ends decide what they can use.
    Html {
        /// The HTML source.
        html: String,
        /// Where it stands.
        span: Span,
    },
    /// Blocks in another language than their surroundings: pandoc's
    /// fenced div `::: {lang=fr}` … `:::`.
    Div {
        /// The BCP 47 tag of its language, e.g. `fr`.
        lang: String,
        /// The blocks.
        blocks: Vec<Block>,
        /// Where it stands.
        span: Span,
    },
}

/// The kinds of GitHub's alerts, a blockquote whose first line is
/// `[!NOTE]`, `[!TIP]`, `[!IMPORTANT]`, `[!WARNING]` or `[!CAUTION]`: READMEs
/// use them for what a reader must not miss.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Alert {
    /// Useful information.
    Note,
    /// Advice.
    Tip,
    /// What a reader needs to know.
    Important,
    /// What needs attention at once.
    Warning,
    /// The risks of an action.
    Caution,
}

impl Block {
    /// The source span of this block.
    pub fn span(&self) -> Span {
        match self {
            Block::Heading { span, .. }
            | Block::Paragraph { span, .. }
            | Block::Caption { span, .. }
            | Block::Figure { span, .. }
            | Block::List { span, .. }
            | Block::Quote { span, .. }
            | Block::Code { span, .. }
            | Block::Table { span, .. }
            | Block::Rule { span }
            | Block::Html { span, .. }
            | Block::Div { span, .. } => *span,
        }
    }
}

/// One item of a list.
#[derive(Debug, Clone, PartialEq)]
pub struct ListItem {
    /// `Some(done)` for a GFM task-list item.
    pub task: Option<bool>,
    /// The item's content.
    pub blocks: Vec<Block>,
    /// Where it stands.
    pub span: Span,
}

/// Horizontal alignment of a table column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    /// No alignment given: left for text.
    None,
    /// `:--`
    Left,
    /// `:-:`
    Center,
    /// `--:`
    Right,
}

/// A footnote definition.
#[derive(Debug, Clone, PartialEq)]
pub struct Footnote {
    /// The label as written (`[^label]`).
    pub label: String,
    /// Its number in order of first reference, from 1.
    pub number: usize,
    /// Its content.
    pub blocks: Vec<Block>,
    /// Where it is defined.
    pub span: Span,
}

/// An image reference.
#[derive(Debug, Clone, PartialEq)]
pub struct Image {
    /// The destination as written.
    pub url: String,
    /// The alternative text, as plain text.
    pub alt: String,
    /// The optional title.
    pub title: String,
    /// The width asked for in CSS pixels (HTML's `width`), if any.
    pub width: Option<u32>,
    /// The height asked for in CSS pixels (HTML's `height`), if any.
    pub height: Option<u32>,
    /// Where it stands.
    pub span: Span,
}

impl Image {
    /// The size to show the image at, in pt, from its natural size in pt:
    /// the size asked for (a CSS pixel is 0.75 pt), one side from the
    /// other when only one is given, else the natural size.
    pub fn size_pt(&self, natural: (f32, f32)) -> (f32, f32) {
        const PT_PER_PX: f32 = 0.75;
        let (w, h) = natural;
        let px = |n: u32| n as f32 * PT_PER_PX;
        match (self.width, self.height) {
            (Some(width), Some(height)) => (px(width), px(height)),
            (Some(width), None) if w > 0.0 => (px(width), h * px(width) / w),
            (None, Some(height)) if h > 0.0 => (w * px(height) / h, px(height)),
            _ => natural,
        }
    }
}

/// Text-level content.
#[derive(Debug, Clone, PartialEq)]
pub enum Inline {
    /// Plain text.
    Text(String, Span),
    /// Inline code.
    Code(String, Span),
    /// Emphasis (italic).
    Emph(Vec<Inline>, Span),
    /// Strong emphasis (bold).
    Strong(Vec<Inline>, Span),
    /// Strikethrough.
    Strike(Vec<Inline>, Span),
    /// A hyperlink. Internal links start with `#`.
    Link {
        /// Destination.
        url: String,
        /// Optional title.
        title: String,
        /// Link text.
        content: Vec<Inline>,
        /// Where it stands.
        span: Span,
    },
    /// An inline image.
    Image(Image),
    /// A reference to footnote number `number`.
    FootnoteRef {
        /// The label as written.
        label: String,
        /// The footnote's number, from 1.
        number: usize,
        /// Where it stands.
        span: Span,
    },
    /// A soft line break: a space in the output.
    SoftBreak(Span),
    /// A hard line break.
    HardBreak(Span),
    /// Raw inline HTML.
    Html(String, Span),
    /// An emoji written as GitHub's shortcode (`:warning:`).
    Emoji {
        /// The emoji, e.g. `⚠️`.
        emoji: String,
        /// Its shortcode without the colons, e.g. `warning`, shown where
        /// no font can draw the emoji.
        shortcode: String,
        /// Where it stands.
        span: Span,
    },
    /// Text in another language than its surroundings: pandoc's
    /// bracketed span `[text]{lang=en}`.
    Span {
        /// The BCP 47 tag of its language, e.g. `en`.
        lang: String,
        /// The text.
        content: Vec<Inline>,
        /// Where it stands.
        span: Span,
    },
}

impl Inline {
    /// The source span of this inline.
    pub fn span(&self) -> Span {
        match self {
            Inline::Text(_, s)
            | Inline::Code(_, s)
            | Inline::Emph(_, s)
            | Inline::Strong(_, s)
            | Inline::Strike(_, s)
            | Inline::SoftBreak(s)
            | Inline::HardBreak(s)
            | Inline::Html(_, s) => *s,
            Inline::Link { span, .. }
            | Inline::FootnoteRef { span, .. }
            | Inline::Emoji { span, .. }
            | Inline::Span { span, .. } => *span,
            Inline::Image(image) => image.span,
        }
    }
}

/// Whether the language is written right to left (primary subtag): the
/// base direction of the EPUB's pages and of the PDF's paragraphs that
/// do not say theirs with a strong character.
pub fn is_rtl(lang: &str) -> bool {
    let primary = lang.split('-').next().unwrap_or("").to_ascii_lowercase();
    matches!(
        primary.as_str(),
        "ar" | "arc"
            | "ckb"
            | "dv"
            | "fa"
            | "he"
            | "iw"
            | "ks"
            | "ku"
            | "ps"
            | "sd"
            | "ug"
            | "ur"
            | "yi"
    )
}

/// Concatenates the text of inlines, as a reader would say it: images give
/// their alt text, breaks give a space, raw HTML gives nothing.
pub fn plain_text(inlines: &[Inline]) -> String {
    let mut out = String::new();
    push_plain_text(inlines, &mut out);
    out
}

fn push_plain_text(inlines: &[Inline], out: &mut String) {
    for inline in inlines {
        match inline {
            Inline::Text(text, _) | Inline::Code(text, _) => out.push_str(text),
            Inline::Emoji { emoji, .. } => out.push_str(emoji),
            Inline::Emph(children, _)
            | Inline::Strong(children, _)
            | Inline::Strike(children, _) => push_plain_text(children, out),
            Inline::Link { content, .. } | Inline::Span { content, .. } => {
                push_plain_text(content, out)
            }
            Inline::Image(image) => out.push_str(&image.alt),
            Inline::FootnoteRef { number, .. } => {
                let _ = write!(out, "{number}");
            }
            Inline::SoftBreak(_) | Inline::HardBreak(_) => out.push(' '),
            Inline::Html(..) => {}
        }
    }
}

/// Calls `visit` with every inline list of `blocks` that a block holds
/// (headings, paragraphs, table cells, also in quotes, lists and divs),
/// as a `Vec`, for passes that split or join inlines; the lists inside
/// inlines (emphasis, links) are the visitor's to walk.
pub fn for_each_inline_list_mut(blocks: &mut [Block], visit: &mut impl FnMut(&mut Vec<Inline>)) {
    for block in blocks {
        match block {
            Block::Heading { content, .. }
            | Block::Paragraph { content, .. }
            | Block::Caption { content, .. } => visit(content),
            Block::Table { head, rows, .. } => {
                for cell in head.iter_mut().chain(rows.iter_mut().flatten()) {
                    visit(cell);
                }
            }
            Block::Quote { blocks, .. } | Block::Div { blocks, .. } => {
                for_each_inline_list_mut(blocks, visit)
            }
            Block::List { items, .. } => {
                for item in items {
                    for_each_inline_list_mut(&mut item.blocks, visit);
                }
            }
            Block::Figure { .. } | Block::Code { .. } | Block::Rule { .. } | Block::Html { .. } => {}
        }
    }
}

/// Calls `visit` on every block, in document order: each block before
/// the blocks of its quote or list items. The one place that knows which
/// blocks hold blocks.
pub fn for_each_block<'a>(blocks: &'a [Block], visit: &mut impl FnMut(&'a Block)) {
    for block in blocks {
        visit(block);
        match block {
            Block::Quote { blocks, .. } | Block::Div { blocks, .. } => {
                for_each_block(blocks, visit)
            }
            Block::List { items, .. } => {
                for item in items {
                    for_each_block(&item.blocks, visit);
                }
            }
            Block::Heading { .. }
            | Block::Paragraph { .. }
            | Block::Caption { .. }
            | Block::Figure { .. }
            | Block::Code { .. }
            | Block::Table { .. }
            | Block::Rule { .. }
            | Block::Html { .. } => {}
        }
    }
}

/// [`for_each_block`], for changing the blocks.
pub fn for_each_block_mut(blocks: &mut [Block], visit: &mut impl FnMut(&mut Block)) {
    for block in blocks {
        visit(block);
        match block {
            Block::Quote { blocks, .. } | Block::Div { blocks, .. } => {
                for_each_block_mut(blocks, visit)
            }
            Block::List { items, .. } => {
                for item in items {
                    for_each_block_mut(&mut item.blocks, visit);
                }
            }
            Block::Heading { .. }
            | Block::Paragraph { .. }
            | Block::Caption { .. }
            | Block::Figure { .. }
            | Block::Code { .. }
            | Block::Table { .. }
            | Block::Rule { .. }
            | Block::Html { .. } => {}
        }
    }
}

impl Block {
    /// The runs of inlines the block holds itself: a heading's, a
    /// paragraph's or a caption's content, or each cell of a table (head first).
    pub fn inline_runs(&self) -> impl Iterator<Item = &[Inline]> {
        let content = match self {
            Block::Heading { content, .. }
            | Block::Paragraph { content, .. }
            | Block::Caption { content, .. } => Some(&content[..]),
            _ => None,
        };
        let cells = match self {
            Block::Table { head, rows, .. } => Some(head.iter().chain(rows.iter().flatten())),
            _ => None,
        };
        content
            .into_iter()
            .chain(cells.into_iter().flatten().map(|cell| &cell[..]))
    }

    /// [`Block::inline_runs`], for changing them.
    pub fn inline_runs_mut(&mut self) -> impl Iterator<Item = &mut [Inline]> {
        let (content, cells) = match self {
            Block::Heading { content, .. }
            | Block::Paragraph { content, .. }
            | Block::Caption { content, .. } => (Some(&mut content[..]), None),
            Block::Table { head, rows, .. } => {
                (None, Some(head.iter_mut().chain(rows.iter_mut().flatten())))
            }
            _ => (None, None),
        };
        content
            .into_iter()
            .chain(cells.into_iter().flatten().map(|cell| &mut cell[..]))
    }
}

/// Collects every image of `blocks` (figures and inline images, in
/// reading order) into `out`.
pub fn collect_images<'a>(blocks: &'a [Block], out: &mut Vec<&'a Image>) {
    for_each_block(blocks, &mut |block| {
        if let Block::Figure { image, .. } = block {
            out.push(image);
        }
        for run in block.inline_runs() {
            collect_inline_images(run, out);
        }
    });
}

/// Collects every image of `inlines` into `out`.
pub fn collect_inline_images<'a>(inlines: &'a [Inline], out: &mut Vec<&'a Image>) {
    for inline in inlines {
        match inline {
            Inline::Image(image) => out.push(image),
            Inline::Emph(children, _)
            | Inline::Strong(children, _)
            | Inline::Strike(children, _) => collect_inline_images(children, out),
            Inline::Link { content, .. } | Inline::Span { content, .. } => {
                collect_inline_images(content, out)
            }
            Inline::Text(..)
            | Inline::Code(..)
            | Inline::FootnoteRef { .. }
            | Inline::SoftBreak(_)
            | Inline::HardBreak(_)
            | Inline::Emoji { .. }
            | Inline::Html(..) => {}
        }
    }
}

