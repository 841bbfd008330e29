//! Blocks → a vertical flow of elements (lines, figures, rules) that the
//! page breaker cuts into pages.

use super::shape::Shaper;
use super::structure::{Role, Structure, Tag};
use super::style::Theme;
use super::text::{
    Hyphenation, InlineImage, LineOptions, Piece, Style, break_lines, break_lines_with_stats,
    drawable, natural_width,
};
use super::{Item, LinkTarget, Rect};
use crate::assets::Assets;
use crate::diag::{Diagnostic, Span};
use crate::fonts::FaceRole;
use crate::html::{InlineTag, Phrase};
use crate::model::{Align, Block, Document, Image, Inline, plain_text};

/// The share of the measure nested quotes and lists always leave the text.
const MIN_NESTED_MEASURE: f32 = 0.4;

/// An unbreakable piece of the flow: one line of text, a figure, a rule.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Element {
    /// Height it takes on the page.
    pub height: f32,
    /// Space above it; dropped at the top of a page.
    pub space_before: f32,
    /// What it draws: x from the page's left edge, y from the element's top.
    pub items: Vec<Item>,
    /// Must stand on the same page as the next element.
    pub keep_with_next: bool,
    /// Anchors (heading ids, footnotes) that point at this element.
    pub anchors: Vec<String>,
    /// An outline entry: heading level, text and anchor.
    pub outline: Option<(u8, String, String)>,
    /// Footnotes referred to from this element, by number: they go at the
    /// foot of the page this element lands on.
    pub notes: Vec<usize>,
    /// For a table's body row: the header row, repeated at the top of a
    /// page the table continues on.
    pub header: Option<Box<Element>>,
    /// Where in the document this element's content begins, so that a
    /// page that starts with it can be found again in the EPUB.
    pub origin: Option<PageAnchor>,
}

/// A place in the document, independent of layout: the block (by the
/// start of its source span) and how many words of its text come before.
///
/// Words are the whitespace-separated words of the block's plain text; a
/// word hyphenated across a page break counts as starting the new page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct PageAnchor {
    /// Start of the innermost block's source span.
    pub block: usize,
    /// Words of that block before this place.
    pub word: usize,
}

/// The flow of a document: its body, and its footnotes laid out on their
/// own, to be placed at the foot of the page that refers to them.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Flow {
    /// The body, in reading order.
    pub elements: Vec<Element>,
    /// Footnote bodies by number.
    pub notes: std::collections::BTreeMap<usize, Vec<Element>>,
    /// The structure of the body and the notes.
    pub structure: Structure,
    /// What could not be set well (a table too wide for the page).
    pub warnings: Vec<Diagnostic>,
}

/// The state that changes as blocks nest.
#[derive(Debug, Clone, Copy)]
struct Context {
    /// Left edge of the text.
    left: f32,
    /// Width of the text.
    width: f32,
    /// Base face for running text.
    face: FaceRole,
    /// Text size.
    size: f32,
    /// Baseline-to-baseline distance.
    leading: f32,
    /// Left rules drawn beside quoted text, by x position (up to 4).
    quote_rules: [Option<f32>; 4],
    /// The structure node new blocks go into.
    node: usize,
    /// The hyphenation patterns of the blocks' language (a fenced div's
    /// or the document's); `None` for a language we have none for.
    hyphenation: Option<Hyphenation>,
}

struct Builder<'a, 's, 'f> {
    theme: &'a Theme,
    assets: &'a Assets,
    shaper: &'s mut Shaper<'f>,
    lang: &'a str,
    hyphenation: Option<Hyphenation>,
    /// The document's language is written right to left: paragraphs with
    /// no strong character are too, and lists and quotes are mirrored.
    rtl: bool,
    elements: Vec<Element>,
    stats: super::Stats,
    /// Start of the span of the block being laid out.
    current_block: usize,
    /// The previous block ended a paragraph: the next one is indented.
    indent_next: bool,
    /// What could not be set well, at its block.
    warnings: Vec<Diagnostic>,
    structure: Structure,
    /// Footnotes' structure nodes, by number, until a block that refers
    /// to them places them in the tree (right after that block).
    pending_notes: std::collections::BTreeMap<usize, usize>,
}

/// Builds the flow of the document body, with its footnotes as endnotes.
pub fn build_flow(
    doc: &Document,
    assets: &Assets,
    theme: &Theme,
    shaper: &mut Shaper,
) -> (Flow, super::Stats) {
    build_flow_split(doc, assets, theme, shaper, parallel_split(doc))
}

/// [`build_flow`], with the body's second half from `split` on laid out
/// on a second thread.
fn build_flow_split(
    doc: &Document,
    assets: &Assets,
    theme: &Theme,
    shaper: &mut Shaper,
    split: Option<usize>,
) -> (Flow, super::Stats) {
    let mut builder = Builder::new(theme, assets, shaper, &doc.meta.lang, Structure::default());
    let context = Context {
        left: theme.margin_left,
        width: theme.measure,
        face: FaceRole::Regular,
        size: theme.body_size,
        leading: theme.leading,
        quote_rules: [None; 4],
        node: Structure::ROOT,
        hyphenation: builder.hyphenation,
    };
    // Footnotes first, each on its own: a note taller than 40 % of the
    // text block would crowd its page and becomes an endnote instead.
    let small = Context {
        size: theme.small_size,
        leading: theme.small_size * 1.3,
        ..context
    };
    let mut notes = std::collections::BTreeMap::new();
    let mut endnotes = Vec::new();
    for note in &doc.footnotes {
        let saved = std::mem::take(&mut builder.elements);
        // Note › Lbl › Link (the number, leading back) and the note's blocks.
        let node = builder.structure.add_detached(Role::Note);
        let label = builder.structure.add(node, Role::Label);
        let back = builder.structure.add(label, Role::Link);
        builder.list_item(
            &note.number.to_string(),
            &note.blocks,
            small,
            Tag::Node(back),
            node,
        );
        let mut elements = std::mem::replace(&mut builder.elements, saved);
        if let Some(first) = elements.first_mut() {
            first.anchors.push(format!("fn-{}", note.number));
            first.space_before = 0.0;
            // The number leads back to where the note is referred to.
            first.items.push(Item::Link {
                rect: Rect {
                    x: context.left,
                    y: 0.0,
                    w: theme.indent * 1.3,
                    h: first.height,
                },
                target: LinkTarget::Anchor(format!("fnref-{}", note.number)),
                tag: Tag::Node(back),
            });
        }
        let height: f32 = elements.iter().map(|e| e.space_before + e.height).sum();
        if height > theme.block_height * 0.4 {
            endnotes.push((node, elements));
        } else {
            builder.pending_notes.insert(note.number, node);
            notes.insert(note.number, elements);
        }
    }

    match split {
        Some(split) => builder.blocks_in_parallel(&doc.blocks, split, context),
        None => builder.blocks(&doc.blocks, context),
    }
    if !endnotes.is_empty() {
        let title = crate::strings::Strings::for_lang(builder.lang).notes;
        builder.heading(
            1,
            title,
            &[Inline::Text(title.into(), Default::default())],
            "notes",
            context,
        );
        for (node, note) in endnotes {
            builder.structure.attach(Structure::ROOT, node);
            builder.elements.extend(note);
        }
    }
    // Notes no block placed (referred to from a table cell) still belong
    // to the document.
    for node in std::mem::take(&mut builder.pending_notes).into_values() {
        builder.structure.attach(Structure::ROOT, node);
    }
    (
        Flow {
            elements: builder.elements,
            notes,
            structure: builder.structure,
            warnings: builder.warnings,
        },
        builder.stats,
    )
}

impl<'a, 's, 'f> Builder<'a, 's, 'f> {
    fn style(&self, context: Context, bold: bool, italic: bool) -> Style {
        let face = match context.face {
            FaceRole::Regular | FaceRole::Italic | FaceRole::Bold | FaceRole::BoldItalic => {
                let base_bold = matches!(context.face, FaceRole::Bold | FaceRole::BoldItalic);
                let base_italic = matches!(context.face, FaceRole::Italic | FaceRole::BoldItalic);
                FaceRole::for_style(bold || base_bold, italic ^ base_italic)
            }
            other => other,
        };
        Style {
            face,
            size: context.size,
            rise: 0.0,
            gray: 0.0,
            link: None,
            strike: false,
            image: None,
            tag: Tag::Node(context.node),
            hyphenation: context.hyphenation,
        }
    }

    /// A new structure node in the context's node, and the context for
    /// what goes into it.
    fn open(&mut self, context: Context, role: Role) -> Context {
        Context {
            node: self.structure.add(context.node, role),
            ..context
        }
    }

    /// Whether a nested quote or list may take `by` more points off the
    /// text's width. Past that, deeper levels (up to the parser's
    /// [`crate::parse::MAX_NESTING`]) line up with the last one that
    /// fitted, so no text is pushed off the page.
    fn may_indent(&self, context: Context, by: f32) -> bool {
        context.width - by >= self.theme.measure * MIN_NESTED_MEASURE
    }

    /// A builder at the start of a document in `lang`, adding to
    /// `structure`.
    fn new(
        theme: &'a Theme,
        assets: &'a Assets,
        shaper: &'s mut Shaper<'f>,
        lang: &'a str,
        structure: Structure,
    ) -> Self {
        Builder {
            theme,
            assets,
            shaper,
            lang,
            hyphenation: Hyphenation::for_lang(lang),
            rtl: crate::model::is_rtl(lang),
            elements: Vec::new(),
            stats: super::Stats::default(),
            current_block: 0,
            indent_next: false,
            warnings: Vec::new(),
            structure,
            pending_notes: std::collections::BTreeMap::new(),
        }
    }

    /// Lays out `blocks[..split]` here and `blocks[split..]` on a second
    /// thread with its own shaper, then joins the two as if one builder
    /// had done both in order: the second half's structure nodes are
    /// numbered after the first half's, so the result is the same to the
    /// byte (see [`parallel_split`] for when this holds).
    fn blocks_in_parallel(&mut self, blocks: &[Block], split: usize, context: Context) {
        let (first, second) = blocks.split_at(split);
        let base = self.structure.clone();
        let fork = self.structure.fork_point();
        let (theme, assets, lang) = (self.theme, self.assets, self.lang);
        let sibling = self.shaper.sibling();
        let current_block = self.current_block;
        let other = std::thread::scope(|scope| {
            let other = scope.spawn(move || {
                let mut shaper = sibling;
                let mut other = Builder::new(theme, assets, &mut shaper, lang, base);
                other.current_block = current_block;
                other.blocks(second, context);
                let Builder {
                    elements,
                    stats,
                    warnings,
                    structure,
                    ..
                } = other;
                (elements, stats, warnings, structure, shaper.missing)
            });
            self.blocks(first, context);
            other.join()
        });
        let (elements, stats, warnings, structure, missing) = match other {
            Ok(other) => other,
            Err(panic) => std::panic::resume_unwind(panic),
        };
        let renumber = self.structure.join(structure, &fork);
        self.shaper.missing.extend(missing);
        self.warnings.extend(warnings);
        self.stats.absorb(stats);
        self.elements
            .extend(elements.into_iter().map(|mut element| {
                retag(&mut element, &renumber);
                element
            }));
    }

    fn blocks(&mut self, blocks: &[Block], context: Context) {
        for block in blocks {
            self.block(block, context);
        }
    }

    fn block(&mut self, block: &Block, context: Context) {
        let first = self.elements.len();
        let previous = self.current_block;
        self.current_block = block.span().start;
        self.block_content(block, context);
        self.current_block = previous;
        if context.node == Structure::ROOT {
            // A footnote is read right after the block that refers to it.
            for element in &self.elements[first..] {
                for number in &element.notes {
                    if let Some(node) = self.pending_notes.remove(number) {
                        self.structure.attach(Structure::ROOT, node);
                    }
                }
            }
        }
        // Every element this block made knows where it comes from; code
        // and tables count as one place (lines are not words).
        let whole = matches!(block, Block::Code { .. } | Block::Table { .. });
        for element in &mut self.elements[first..] {
            if element.origin.is_none() || whole {
                element.origin = Some(PageAnchor {
                    block: block.span().start,
                    word: 0,
                });
            }
        }
    }

    fn block_content(&mut self, block: &Block, context: Context) {
        match block {
            Block::Heading {
                level, id, content, ..
            } => {
                let text = plain_text(content);
                self.heading(*level, &text, content, id, context);
            }
            Block::Paragraph { content, .. } => self.text_paragraph(content, context),
            Block::Caption { content, above, .. } => {
                // Set apart like a paragraph that opens the text, and
                // never left alone at a page's foot or head: above its
                // block it keeps with what follows; below, what precedes
                // keeps with it.
                self.indent_next = false;
                let first = self.elements.len();
                if !above && let Some(last) = self.elements.last_mut() {
                    last.keep_with_next = true;
                }
                self.text_paragraph(content, context);
                if *above {
                    for element in &mut self.elements[first..] {
                        element.keep_with_next = true;
                    }
                }
                self.indent_next = false;
            }
            Block::Figure { image, .. } => {
                self.figure(image, context);
                self.indent_next = false;
            }
            Block::List { start, items, .. } => {
                let list = self.open(
                    context,
                    Role::List {
                        numbered: start.is_some(),
                    },
                );
                for (i, item) in items.iter().enumerate() {
                    let marker = match (item.task, start) {
                        // Libertine has no ballot boxes; □ and ✔ read the same.
                        (Some(true), _) => "✔".to_string(),
                        (Some(false), _) => "□".to_string(),
                        (None, Some(n)) => format!("{}.", n + i as u64),
                        (None, None) => "•".to_string(),
                    };
                    let node = self.structure.add(list.node, Role::ListItem);
                    let label = self.structure.add(node, Role::Label);
                    let body = self.structure.add(node, Role::ListBody);
                    self.list_item(&marker, &item.blocks, context, Tag::Node(label), body);
                }
                self.indent_next = false;
            }
            Block::Quote {
                alert, blocks, span,
            } => {
                let inset = self.theme.indent;
                // The quote's tag node is opened whether or not it indents;
                // an alert is no quotation, but a division of the text.
                let role = if alert.is_some() {
                    Role::Division
                } else {
                    Role::Quote
                };
                let opened = self.open(context, role);
                let inner = if self.may_indent(context, 2.0 * inset) {
                    let mut rules = context.quote_rules;
                    if let Some(slot) = rules.iter_mut().find(|r| r.is_none()) {
                        // The rule stands where lines begin: at the right
                        // in a right-to-left document.
                        *slot = Some(if self.rtl {
                            context.left + context.width - inset * 0.4
                        } else {
                            context.left + inset * 0.4
                        });
                    }
                    Context {
                        left: context.left + inset,
                        width: context.width - 2.0 * inset,
                        quote_rules: rules,
                        ..opened
                    }
                } else {
                    opened
                };
                self.indent_next = false;
                if let Some(alert) = alert {
                    // Its title, as GitHub shows it, in the document's
                    // language.
                    let title = crate::strings::Strings::for_lang(self.lang).alert(*alert);
                    self.title_line(title, *span, inner);
                }
                self.blocks(blocks, inner);
                self.indent_next = false;
            }
            Block::Code { text, .. } => {
                let inner = Context {
                    left: context.left + self.theme.indent * 0.5,
                    width: context.width - self.theme.indent * 0.5,
                    face: FaceRole::Mono,
                    size: self.theme.code_size,
                    leading: self.theme.code_size * 1.3,
                    ..self.open(context, Role::Code)
                };
                let style = self.style(inner, false, false);
                let mut first = true;
                let block_start = self.elements.len();
                for line in text.split('\n') {
                    let pieces = vec![Piece {
                        text: expand_tabs(line).into_owned(),
                        style: style.clone(),
                    }];
                    let space = if first { context.leading * 0.5 } else { 0.0 };
                    first = false;
                    if line.trim().is_empty() {
                        self.push_blank(inner.leading, space, inner);
                    } else {
                        let first_line = self.elements.len();
                        self.paragraph(&pieces, inner, 0.0, space, Setting::Verbatim);
                        // A wrapped line continues after a hooked arrow
                        // in the margin, drawn (not text: it is no part of
                        // the code and must not be copied with it).
                        for element in &mut self.elements[first_line + 1..] {
                            let y = inner.leading * 0.78 - inner.size * 0.3;
                            let right = inner.left - 2.5;
                            let left = right - inner.size * 0.6;
                            let head = inner.size * 0.18;
                            let stroke = |from, to| Item::Line {
                                from,
                                to,
                                width: 0.5,
                                gray: 0.45,
                            };
                            element
                                .items
                                .push(stroke((left, y - inner.size * 0.35), (left, y)));
                            element.items.push(stroke((left, y), (right, y)));
                            element
                                .items
                                .push(stroke((right - head, y - head), (right, y)));
                            element
                                .items
                                .push(stroke((right - head, y + head), (right, y)));
                        }
                    }
                }
                // A code block breaks across pages like a paragraph: at
                // least two lines on each side.
                let lines = &mut self.elements[block_start..];
                if lines.len() > 1 {
                    let n = lines.len();
                    lines[0].keep_with_next = true;
                    lines[n - 2].keep_with_next = true;
                }
                if let Some(last) = self.elements.last_mut() {
                    last.height += context.leading * 0.5;
                }
                self.indent_next = false;
            }
            Block::Table {
                align, head, rows, ..
            } => {
                self.table(align, head, rows, context);
                self.indent_next = false;
            }
            Block::Rule { .. } => {
                // A thematic break is set as an asterism, centred.
                let style = self.style(context, false, false);
                let shaped = self.shaper.shape(style.face, "⁂");
                let width = shaped.width * style.size;
                let glyphs = shaped.placed(style.size);
                self.elements.push(Element {
                    height: context.leading * 2.0,
                    // An ornament: the break is in the structure as the
                    // end of one block and the start of the next.
                    items: vec![Item::Text(super::TextRun {
                        x: context.left + (context.width - width) / 2.0,
                        y: context.leading * 1.25,
                        face: style.face,
                        size: style.size,
                        gray: 0.0,
                        hscale: 1.0,
                        glyphs,
                        tag: Tag::Artifact,
                    })],
                    ..Element::default()
                });
                self.indent_next = false;
            }
            Block::Html { html, span } => {
                // Raw HTML has no meaning on paper (the CLI reports it),
                // but for the summaries of collapsible sections, which
                // title sections that are always open on paper.
                for summary in crate::html::paper_summaries(html).unwrap_or_default() {
                    self.title_line(&summary, *span, context);
                }
            }
            Block::Div { lang, blocks, .. } => {
                // A Div element carries the language (ISO 32000-1,
                // 14.9.2: /Lang holds for everything below it).
                let inner = Context {
                    hyphenation: Hyphenation::for_lang(lang),
                    ..self.open(context, Role::Division)
                };
                self.structure.nodes[inner.node].lang = Some(lang.clone());
                self.blocks(blocks, inner);
            }
        }
    }

    /// A paragraph of running text: indented when it follows another,
    /// else set off by half a line.
    fn text_paragraph(&mut self, content: &[Inline], context: Context) {
        let mut pieces = Vec::new();
        let mut images = Vec::new();
        let node = self.open(context, Role::Paragraph);
        let base = self.style(node, false, false);
        self.pieces(content, &base, &mut pieces, &mut images);
        let (indent, space) = if self.indent_next {
            (self.theme.indent, 0.0)
        } else {
            (0.0, context.leading * 0.5)
        };
        self.paragraph(&pieces, context, indent, space, Setting::Justified);
        self.indent_next = true;
        // Images in the text follow the paragraph as figures.
        for image in images {
            self.figure(image, context);
        }
    }

    /// A line of bold text that titles what follows (an alert, a
    /// collapsible section): a paragraph of its own, unindented, kept on
    /// the page of what follows, and the paragraph after it unindented.
    fn title_line(&mut self, text: &str, span: Span, context: Context) {
        self.indent_next = false;
        let text = Inline::Text(text.into(), span);
        let title = Block::Paragraph {
            content: vec![Inline::Strong(vec![text], span)],
            span,
        };
        let first = self.elements.len();
        self.block_content(&title, context);
        // Like a heading, it never ends a page.
        for element in &mut self.elements[first..] {
            element.keep_with_next = true;
        }
        self.indent_next = false;
    }

    fn heading(&mut self, level: u8, text: &str, content: &[Inline], id: &str, context: Context) {
        let size = self.theme.heading_sizes[usize::from(level.clamp(1, 6)) - 1];
        let inner = Context {
            face: FaceRole::Heading,
            size,
            leading: size * 1.25,
            ..self.open(context, Role::Heading(level.clamp(1, 6)))
        };
        let mut pieces = Vec::new();
        let mut images = Vec::new();
        let base = self.style(inner, false, false);
        self.pieces(content, &base, &mut pieces, &mut images);
        let space_before = self.theme.leading * if level == 1 { 2.0 } else { 1.0 };
        let first = self.elements.len();
        self.paragraph(&pieces, inner, 0.0, space_before, Setting::Ragged);
        if let Some(last) = self.elements.last_mut() {
            last.height += self.theme.leading * 0.5;
        }
        for element in &mut self.elements[first..] {
            element.keep_with_next = true;
        }
        if let Some(element) = self.elements.get_mut(first) {
            element.anchors.push(id.to_string());
            element.outline = Some((level, text.to_string(), id.to_string()));
        }
        self.indent_next = false;
    }

    /// Sets pieces as a paragraph: one element a line, with widow and
    /// orphan protection (the first two and the last two lines stay
    /// together).
    fn paragraph(
        &mut self,
        pieces: &[Piece],
        context: Context,
        indent: f32,
        space_before: f32,
        setting: Setting,
    ) {
        let justify = setting == Setting::Justified;
        let options = LineOptions {
            width: context.width,
            first_indent: indent,
            justify,
            hyphenate: justify,
            verbatim: setting == Setting::Verbatim,
        };
        let (lines, stats) = break_lines_with_stats(pieces, self.shaper, &options, self.rtl);
        if justify {
            let mut run = 0;
            for line in &lines {
                self.stats.lines += 1;
                if line.hyphenated {
                    self.stats.hyphenated += 1;
                    run += 1;
                    self.stats.max_hyphen_run = self.stats.max_hyphen_run.max(run);
                } else {
                    run = 0;
                }
                self.stats.word_spaces.extend(line.mean_space);
            }
            self.stats.emergency += stats.emergency;
        }
        for line in &lines {
            if line.width > context.width + 0.01 {
                self.stats.overfull += 1;
            }
        }
        let count = lines.len();
        let mut words_before = 0;
        let mut continued = false;
        for (i, mut line) in lines.into_iter().enumerate() {
            if i + 1 < count {
                end_with_space(&mut line, self.shaper);
            }
            // A hyphenated word that ends the previous line starts here.
            let origin = PageAnchor {
                block: self.current_block,
                word: words_before - usize::from(continued),
            };
            words_before += count_words(&line.items);
            continued = line.hyphenated;
            let leading = context.leading.max(line.size * 1.15);
            let baseline = leading * 0.78;
            let mut items: Vec<Item> = line
                .items
                .into_iter()
                .map(|item| item.translated(context.left, baseline))
                .collect();
            quote_rules(&mut items, &context, leading);
            let notes: Vec<usize> = items
                .iter()
                .filter_map(|item| match item {
                    Item::Link {
                        target: LinkTarget::Anchor(anchor),
                        ..
                    } => anchor.strip_prefix("fn-")?.parse().ok(),
                    _ => None,
                })
                .collect();
            let anchors = notes.iter().map(|n| format!("fnref-{n}")).collect();
            self.elements.push(Element {
                height: leading,
                space_before: if i == 0 { space_before } else { 0.0 },
                items,
                keep_with_next: count > 1 && (i == 0 || i + 2 == count),
                notes,
                anchors,
                origin: Some(origin),
                ..Element::default()
            });
        }
    }

    fn push_blank(&mut self, height: f32, space_before: f32, context: Context) {
        let mut items = Vec::new();
        quote_rules(&mut items, &context, height);
        self.elements.push(Element {
            height,
            space_before,
            items,
            ..Element::default()
        });
    }

    /// Sets a list item or a note: `blocks` go into the structure node
    /// `body`, the marker hanging in the indent is tagged `marker_tag`.
    fn list_item(
        &mut self,
        marker: &str,
        blocks: &[Block],
        context: Context,
        marker_tag: Tag,
        body: usize,
    ) {
        let hang = self.theme.indent * 1.3;
        let inner = if self.may_indent(context, hang) {
            // The marker hangs where lines begin: at the right in a
            // right-to-left document.
            Context {
                left: if self.rtl {
                    context.left
                } else {
                    context.left + hang
                },
                width: context.width - hang,
                node: body,
                ..context
            }
        } else {
            Context {
                node: body,
                ..context
            }
        };
        let first = self.elements.len();
        self.indent_next = false;
        for (i, block) in blocks.iter().enumerate() {
            if i > 0 && matches!(block, Block::Paragraph { .. }) {
                self.indent_next = false;
            }
            self.block(block, inner);
        }
        if self.elements.len() == first {
            self.push_blank(context.leading, 0.0, inner);
        }
        // The marker hangs in the indent, on the first line's baseline.
        let style = self.style(context, false, false);
        let shaped = self.shaper.shape(style.face, marker);
        let marker_width = shaped.width * style.size;
        let element = &mut self.elements[first];
        element.space_before = element.space_before.min(context.leading * 0.25);
        let baseline = element
            .items
            .iter()
            .find_map(|item| match item {
                Item::Text(run) => Some(run.y),
                _ => None,
            })
            .unwrap_or(element.height * 0.78);
        let glyphs = shaped.placed(style.size);
        let x = if self.rtl {
            inner.left + inner.width + self.theme.indent * 0.4
        } else {
            inner.left - marker_width - self.theme.indent * 0.4
        };
        element.items.push(Item::Text(super::TextRun {
            x,
            y: baseline,
            face: style.face,
            size: style.size,
            gray: 0.0,
            hscale: 1.0,
            glyphs,
            tag: marker_tag,
        }));
        self.indent_next = false;
    }

    fn figure(&mut self, image: &Image, context: Context) {
        let Some(asset) = self.assets.get(&image.url) else {
            // Not loaded (a remote image): its alt text stands in for it.
            let node = self.open(context, Role::Paragraph);
            let mut style = self.style(node, false, true);
            style.gray = 0.3;
            let pieces = vec![Piece {
                text: format!("[{}]", image.alt),
                style,
            }];
            self.paragraph(
                &pieces,
                context,
                0.0,
                context.leading * 0.5,
                Setting::Ragged,
            );
            return;
        };
        let (natural_w, natural_h) = image.size_pt(asset.natural_size_pt());
        let max_h = self.theme.block_height * 0.8;
        let scale = (context.width / natural_w).min(max_h / natural_h).min(1.0);
        let (w, h) = (natural_w * scale, natural_h * scale);
        let x = context.left + (context.width - w) / 2.0;
        let space = context.leading * 0.5;
        // An image without alternative text is decoration (PDF/UA-1, 7.3).
        let tag = if image.alt.trim().is_empty() {
            Tag::Artifact
        } else {
            let node = self.structure.add(context.node, Role::Figure);
            self.structure.nodes[node].alt = Some(image.alt.clone());
            Tag::Node(node)
        };
        self.elements.push(Element {
            height: h + space,
            space_before: space,
            items: vec![Item::Image {
                url: image.url.clone(),
                rect: Rect { x, y: 0.0, w, h },
                alt: image.alt.clone(),
                tag,
            }],
            keep_with_next: !image.title.is_empty(),
            ..Element::default()
        });
        if !image.title.is_empty() {
            // The caption is read after the figure, not hidden behind its
            // alternative text.
            let caption = Context {
                size: self.theme.small_size,
                leading: self.theme.small_size * 1.3,
                ..self.open(context, Role::Paragraph)
            };
            let style = self.style(caption, false, true);
            let pieces = vec![Piece {
                text: image.title.clone(),
                style,
            }];
            self.paragraph(&pieces, caption, 0.0, 0.0, Setting::Ragged);
        }
        self.indent_next = false;
    }

    fn table(
        &mut self,
        align: &[Align],
        head: &[Vec<Inline>],
        rows: &[Vec<Vec<Inline>>],
        context: Context,
    ) {
        let columns = align.len().max(1);
        // Column widths from content: each column's widest cell set on
        // one line (the header in its own bold face), and its longest word.
        // Measured at the cells' full size; the widths at a smaller size
        // scale with it.
        let full_size = context.size * 0.9;
        let mut natural = vec![0.0f32; columns];
        let mut longest_word = vec![0.0f32; columns];
        for (r, row) in std::iter::once(head)
            .chain(rows.iter().map(|r| r.as_slice()))
            .enumerate()
        {
            for (c, cell) in row.iter().enumerate().take(columns) {
                let face = if r == 0 {
                    FaceRole::Heading
                } else {
                    self.style(context, false, false).face
                };
                let mut text = String::new();
                drawn_text(self.shaper, face, cell, &mut text);
                let width = natural_width(self.shaper, face, &text);
                natural[c] = natural[c].max(width * full_size);
                for word in text.split_whitespace() {
                    let width = natural_width(self.shaper, face, word);
                    longest_word[c] = longest_word[c].max(width * full_size);
                }
            }
        }
        let fit = fit_table(&natural, &longest_word, context.width, full_size);
        if let Some(diagnostic) = fit.problem(self.current_block) {
            self.warnings.push(diagnostic);
        }
        let TableFit {
            scale,
            padding,
            widths,
            ..
        } = fit;
        let cell_context = Context {
            size: full_size * scale,
            leading: context.leading * 0.9 * scale,
            ..context
        };
        let table_width: f32 = widths.iter().sum();
        // Each column's left edge: in a right-to-left document the first
        // column stands at the right, as a reader of the language reads it.
        let mut lefts = Vec::with_capacity(widths.len());
        let mut edge = 0.0;
        for width in &widths {
            lefts.push(if self.rtl {
                context.left + table_width - edge - width
            } else {
                context.left + edge
            });
            edge += width;
        }

        let mut first_row = true;
        let mut header: Option<Element> = None;
        let row_count = rows.len() + 1;
        let table = self.open(context, Role::Table);
        for (r, row) in std::iter::once(head)
            .chain(rows.iter().map(|r| r.as_slice()))
            .enumerate()
        {
            let is_head = r == 0;
            let row_context = self.open(table, Role::Row);
            let mut cells = Vec::new();
            let mut height: f32 = cell_context.leading;
            for (c, (&width, &x)) in widths.iter().zip(&lefts).enumerate() {
                let empty = Vec::new();
                let cell = row.get(c).unwrap_or(&empty);
                let cell_context = self.open(
                    Context {
                        node: row_context.node,
                        ..cell_context
                    },
                    if is_head {
                        Role::HeaderCell
                    } else {
                        Role::Cell
                    },
                );
                let base = if is_head {
                    let mut s = self.style(cell_context, true, false);
                    s.face = FaceRole::Heading;
                    s
                } else {
                    self.style(cell_context, false, false)
                };
                let mut pieces = Vec::new();
                let mut images = Vec::new();
                self.pieces(cell, &base, &mut pieces, &mut images);
                let lines = break_lines(
                    &pieces,
                    self.shaper,
                    &LineOptions {
                        width: (width - 2.0 * padding).max(1.0),
                        first_indent: 0.0,
                        justify: false,
                        hyphenate: false,
                        verbatim: false,
                    },
                );
                let mut y = padding * 0.5;
                let count = lines.len();
                for (i, mut line) in lines.into_iter().enumerate() {
                    if i + 1 < count {
                        end_with_space(&mut line, self.shaper);
                    }
                    // A right-to-left line comes flush right already; a
                    // column with no alignment of its own follows the
                    // document's direction.
                    let slack = width - 2.0 * padding - line.width;
                    let shift = match align.get(c) {
                        Some(Align::Right) => slack,
                        Some(Align::Center) => slack / 2.0,
                        None | Some(Align::None) if self.rtl => slack,
                        _ => 0.0,
                    };
                    let baseline = y + cell_context.leading * 0.78;
                    cells.extend(
                        line.items
                            .into_iter()
                            .map(|item| item.translated(x + padding + shift.max(0.0), baseline)),
                    );
                    y += cell_context.leading;
                }
                height = height.max(y + padding * 0.5);
            }
            let rule = |y: f32, weight: f32| Item::Line {
                from: (context.left, y),
                to: (context.left + table_width, y),
                width: weight,
                gray: 0.0,
            };
            if first_row {
                cells.push(rule(0.0, 0.8));
            }
            if is_head || r + 1 == row_count {
                cells.push(rule(height, if is_head { 0.5 } else { 0.8 }));
            }
            let element = Element {
                height,
                space_before: if first_row {
                    context.leading * 0.5
                } else {
                    0.0
                },
                items: cells,
                keep_with_next: is_head,
                header: header.clone().map(Box::new),
                ..Element::default()
            };
            if is_head {
                // Repeated on each page the table continues on, with the
                // rule above it that opens the table.
                header = Some(Element {
                    space_before: 0.0,
                    keep_with_next: false,
                    ..element.clone()
                });
            }
            self.elements.push(element);
            first_row = false;
        }
        if let Some(last) = self.elements.last_mut() {
            last.height += context.leading * 0.5;
        }
    }

    /// Flattens inlines into styled pieces. Images that do not stand alone
    /// are collected to be set as figures after the paragraph.
    fn pieces<'d>(
        &mut self,
        inlines: &'d [Inline],
        style: &Style,
        out: &mut Vec<Piece>,
        images: &mut Vec<&'d Image>,
    ) {
        // Inline HTML elements open in this list: `<sup>(optional)</sup>`
        // comes as three siblings, the tags around Markdown text.
        let mut phrases: Vec<(Phrase, Style)> = Vec::new();
        for inline in inlines {
            let style = phrases.last().map_or(style, |(_, style)| style);
            match inline {
                Inline::Text(text, _) => out.push(Piece {
                    text: text.replace(['\n', '\r'], " "),
                    style: style.clone(),
                }),
                Inline::Code(text, _) => out.push(Piece {
                    text: text.clone(),
                    style: phrase_style(Phrase::Code, style),
                }),
                // The emoji where a face draws it (✔, ⚠), else its
                // shortcode as written: colour pictures are in no face.
                Inline::Emoji { .. } => {
                    let mut text = String::new();
                    drawn_text(self.shaper, style.face, std::slice::from_ref(inline), &mut text);
                    out.push(Piece {
                        text,
                        style: style.clone(),
                    });
                }
                Inline::Emph(children, _) => {
                    self.pieces(children, &phrase_style(Phrase::Italic, style), out, images)
                }
                Inline::Strong(children, _) => {
                    self.pieces(children, &phrase_style(Phrase::Bold, style), out, images)
                }
                Inline::Strike(children, _) => {
                    self.pieces(children, &phrase_style(Phrase::Struck, style), out, images)
                }
                Inline::Span { lang, content, .. } => {
                    // A Span element with its /Lang (ISO 32000-1, 14.9.2;
                    // WCAG 3.1.2, language of parts), and the patterns
                    // of its language for its words.
                    let tag = match style.tag {
                        Tag::Node(parent) => {
                            let node = self.structure.add(parent, Role::Span);
                            self.structure.nodes[node].lang = Some(lang.clone());
                            Tag::Node(node)
                        }
                        Tag::Artifact => Tag::Artifact,
                    };
                    let inner = Style {
                        tag,
                        hyphenation: Hyphenation::for_lang(lang),
                        ..style.clone()
                    };
                    self.pieces(content, &inner, out, images);
                }
                Inline::Link { url, content, .. } => {
                    let target = match url.strip_prefix('#') {
                        Some(anchor) => LinkTarget::Anchor(anchor.to_string()),
                        None => LinkTarget::Uri(url.clone()),
                    };
                    let inner = Style {
                        link: Some(target),
                        tag: self.link_node(style.tag),
                        ..style.clone()
                    };
                    self.pieces(content, &inner, out, images);
                }
                Inline::Image(image) => {
                    if let Some(asset) = self.assets.get(&image.url) {
                        // A small picture (a badge, an icon) stays in its
                        // sentence; a larger one follows the paragraph as
                        // a figure.
                        let (w, h) = image.size_pt(asset.css_size_pt());
                        let height = h.min(INLINE_IMAGE_HEIGHT * style.size);
                        let width = w * height / h.max(0.01);
                        if h > INLINE_IMAGE_MAX * style.size
                            || width > self.theme.measure * 0.5
                            || height <= 0.0
                        {
                            images.push(image);
                            continue;
                        }
                        // An image without alternative text is decoration
                        // (PDF/UA-1, 7.3).
                        let tag = match style.tag {
                            Tag::Node(parent) if !image.alt.trim().is_empty() => {
                                let node = self.structure.add(parent, Role::Figure);
                                self.structure.nodes[node].alt = Some(image.alt.clone());
                                Tag::Node(node)
                            }
                            _ => Tag::Artifact,
                        };
                        out.push(Piece {
                            text: "\u{fffc}".into(),
                            style: Style {
                                image: Some(std::sync::Arc::new(InlineImage {
                                    url: image.url.clone(),
                                    alt: image.alt.clone(),
                                    width,
                                    height,
                                })),
                                tag,
                                ..style.clone()
                            },
                        });
                    } else {
                        out.push(Piece {
                            text: format!("[{}]", image.alt),
                            style: Style {
                                gray: 0.3,
                                ..style.clone()
                            },
                        });
                    }
                }
                Inline::FootnoteRef { number, .. } => out.push(Piece {
                    text: number.to_string(),
                    style: Style {
                        size: style.size * 0.65,
                        rise: style.size * 0.35,
                        link: Some(LinkTarget::Anchor(format!("fn-{number}"))),
                        tag: self.link_node(style.tag),
                        face: match style.face {
                            FaceRole::Mono | FaceRole::Heading | FaceRole::Sans => {
                                FaceRole::Regular
                            }
                            other => other,
                        },
                        ..style.clone()
                    },
                }),
                Inline::SoftBreak(_) => out.push(Piece {
                    text: " ".into(),
                    style: style.clone(),
                }),
                Inline::HardBreak(_) => out.push(Piece {
                    text: "\n".into(),
                    style: style.clone(),
                }),
                Inline::Html(html, _) => match crate::html::inline_tag(html) {
                    Some(InlineTag::Open(phrase)) => {
                        let inner = phrase_style(phrase, style);
                        phrases.push((phrase, inner));
                    }
                    // An end tag closes its element and any left open in
                    // it, as a browser closes them; one that closes
                    // nothing is left out, as a browser leaves it out.
                    Some(InlineTag::Close(phrase)) => {
                        if let Some(at) = phrases.iter().rposition(|(open, _)| *open == phrase) {
                            phrases.truncate(at);
                        }
                    }
                    Some(InlineTag::Break) => out.push(Piece {
                        text: "\n".into(),
                        style: style.clone(),
                    }),
                    Some(InlineTag::Nothing) | None => {}
                },
            }
        }
    }
}

/// The text `inlines` are drawn as in `face`, to measure it: their plain
/// text, with each emoji as the PDF sets it (see `Builder::pieces`).
fn drawn_text(shaper: &Shaper, face: FaceRole, inlines: &[Inline], out: &mut String) {
    for inline in inlines {
        match inline {
            Inline::Emoji {
                emoji, shortcode, ..
            } => {
                if drawable(shaper, face, emoji) {
                    out.push_str(emoji);
                } else {
                    out.push(':');
                    out.push_str(shortcode);
                    out.push(':');
                }
            }
            Inline::Emph(children, _) | Inline::Strong(children, _) | Inline::Strike(children, _) => {
                drawn_text(shaper, face, children, out)
            }
            Inline::Link { content, .. } | Inline::Span { content, .. } => {
                drawn_text(shaper, face, content, out)
            }
            other => out.push_str(&plain_text(std::slice::from_ref(other))),
        }
    }
}

/// The style of text set as `phrase`, inside `style`: Markdown's emphasis
/// and code, and the inline HTML elements that match them; superscripts
/// raised as a footnote marker is.
fn phrase_style(phrase: Phrase, style: &Style) -> Style {
    let style = style.clone();
    match phrase {
        Phrase::Bold => Style {
            face: match style.face {
                FaceRole::Regular => FaceRole::Bold,
                FaceRole::Italic => FaceRole::BoldItalic,
                other => other,
            },
            ..style
        },
        Phrase::Italic => Style {
            face: match style.face {
                FaceRole::Regular => FaceRole::Italic,
                FaceRole::Italic => FaceRole::Regular,
                FaceRole::Bold => FaceRole::BoldItalic,
                FaceRole::BoldItalic => FaceRole::Bold,
                other => other,
            },
            ..style
        },
        Phrase::Struck => Style {
            strike: true,
            ..style
        },
        Phrase::Code => Style {
            face: FaceRole::Mono,
            size: style.size * 0.9,
            ..style
        },
        Phrase::Superscript => Style {
            size: style.size * 0.7,
            rise: style.rise + style.size * 0.33,
            ..style
        },
        Phrase::Subscript => Style {
            size: style.size * 0.7,
            rise: style.rise - style.size * 0.15,
            ..style
        },
        Phrase::Plain => style,
    }
}

impl Builder<'_, '_, '_> {
    /// A link node inside the node text tagged `parent` belongs to.
    fn link_node(&mut self, parent: Tag) -> Tag {
        match parent {
            Tag::Node(parent) => Tag::Node(self.structure.add(parent, Role::Link)),
            Tag::Artifact => Tag::Artifact,
        }
    }
}

/// Where the body may be laid out in two halves at once: at the top-level
/// heading nearest the middle of the text, when the document is long
/// enough for a second thread to pay, not so long that memory matters
/// more than time, and has no footnotes.
///
/// The upper bound is about memory: glibc gives the second thread its own
/// allocator arena, and what the second half leaves there once its lines
/// are freed is not reused by the PDF writer that runs next. On the
/// summit text ×1000 (3 MB) two threads took 0.9 s and 266 MB, one
/// thread 1.2 s and 208 MB.
///
/// The halves join into exactly what one pass makes because a heading
/// depends on nothing the blocks before it leave behind (it is never
/// indented and resets the indent), no block changes elements made
/// before its own, and without footnotes no block places a note another
/// block refers to. A heading with no text makes no line of its own and
/// would lengthen the previous block's last line instead, so it is never
/// the cut.
/// Inline pictures up to this many ems high stay in the line (a 20 px
/// badge beside 10 pt text is 1.5 em); taller ones become figures.
const INLINE_IMAGE_MAX: f32 = 3.0;

/// The height, in ems, an inline picture is set at, at most.
const INLINE_IMAGE_HEIGHT: f32 = 1.6;

/// How a paragraph's lines are set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Setting {
    /// Running text: total fit, justified, hyphenated.
    Justified,
    /// Headings, captions, list labels: first fit, flush left.
    Ragged,
    /// Code: first fit, every space kept.
    Verbatim,
}

/// Expands tabs to the next multiple of four columns, as a terminal or an
/// editor shows them.
fn expand_tabs(line: &str) -> std::borrow::Cow<'_, str> {
    if !line.contains('\t') {
        return line.into();
    }
    let mut out = String::with_capacity(line.len() + 8);
    let mut column = 0;
    for c in line.chars() {
        if c == '\t' {
            let to = (column / 4 + 1) * 4;
            out.extend(std::iter::repeat_n(' ', to - column));
            column = to;
        } else {
            out.push(c);
            column += 1;
        }
    }
    out.into()
}

fn parallel_split(doc: &Document) -> Option<usize> {
    /// Below this much Markdown a second thread costs more than it saves.
    const MIN_PARALLEL_BYTES: usize = 64 * 1024;
    /// Above this, peak memory matters more than the time saved.
    const MAX_PARALLEL_BYTES: usize = 1024 * 1024;
    if !doc.footnotes.is_empty() || std::thread::available_parallelism().map_or(1, |n| n.get()) < 2
    {
        return None;
    }
    let (start, end) = (
        doc.blocks.first()?.span().start,
        doc.blocks.last()?.span().end,
    );
    if !(MIN_PARALLEL_BYTES..=MAX_PARALLEL_BYTES).contains(&(end - start)) {
        return None;
    }
    let middle = start + (end - start) / 2;
    doc.blocks
        .iter()
        .enumerate()
        .skip(1)
        .filter(|(_, block)| {
            matches!(block, Block::Heading { content, .. } if !plain_text(content).trim().is_empty())
        })
        .min_by_key(|(_, block)| block.span().start.abs_diff(middle))
        .map(|(i, _)| i)
}

/// Gives an element's items (and its repeated table head's) the node
/// numbers they have once the second half's structure joins the first.
fn retag(element: &mut Element, renumber: &super::structure::Renumber) {
    for item in &mut element.items {
        match item {
            Item::Text(super::TextRun { tag, .. })
            | Item::Image { tag, .. }
            | Item::Link { tag, .. } => *tag = renumber.tag(*tag),
            Item::Line { .. } => {}
        }
    }
    if let Some(header) = &mut element.header {
        retag(header, renumber);
    }
}

/// The words in the text of `items`, as `split_whitespace` would count
/// the runs' text joined, without building that text.
fn count_words(items: &[Item]) -> usize {
    let mut words = 0;
    let mut in_word = false;
    let glyphs = items.iter().flat_map(|item| match item {
        Item::Text(run) => &run.glyphs[..],
        _ => &[],
    });
    for glyph in glyphs {
        for c in glyph.text.chars() {
            let space = c.is_whitespace();
            words += usize::from(in_word && space);
            in_word = !space;
        }
    }
    words + usize::from(in_word)
}

pub(super) fn end_with_space(line: &mut super::text::Line, shaper: &mut Shaper) {
    if !line.ends_at_space {
        return;
    }
    // The line's logical end: at the left of a right-to-left line.
    let mut runs = line.items.iter_mut().filter_map(|item| match item {
        Item::Text(run) => Some(run),
        _ => None,
    });
    let Some(run) = (if line.rtl { runs.next() } else { runs.last() }) else {
        return;
    };
    if let Some((id, text)) = shaper.space_glyph(run.face) {
        let space = super::PlacedGlyph {
            id,
            advance: 0.0,
            rise: 0.0,
            text,
        };
        if line.rtl {
            run.glyphs.insert(0, space);
        } else {
            run.glyphs.push(space);
        }
    }
}

/// Draws the vertical rules of enclosing block quotes beside a line.
fn quote_rules(items: &mut Vec<Item>, context: &Context, height: f32) {
    for x in context.quote_rules.iter().flatten() {
        items.push(Item::Line {
            from: (*x, 0.0),
            to: (*x, height),
            width: 0.6,
            gray: 0.55,
        });
    }
}

/// The smallest a table's text is set to fit the measure, as a share of
/// its usual size (9 pt on A5 → 6.3 pt, the size of a printed timetable).
const MIN_TABLE_SCALE: f32 = 0.7;
/// Space on each side of a cell's text.
const CELL_PADDING: f32 = 4.0;
/// The padding when even the smallest text does not fit with the usual one.
const NARROW_CELL_PADDING: f32 = 1.5;
/// The width of one letter, as a share of the text size, that a column
/// must hold: narrower, the letters of neighbouring cells overprint.
const MIN_COLUMN_LETTER: f32 = 0.6;

/// How a table is fitted to the measure.
#[derive(Debug, Clone, PartialEq)]
struct TableFit {
    /// The cells' text size, as a share of the usual one.
    scale: f32,
    /// Space on each side of a cell's text.
    padding: f32,
    /// Each column's width, padding included; they add up to the measure.
    widths: Vec<f32>,
    /// Even at the smallest size some words are wider than their column:
    /// they are cut between letters.
    words_cut: bool,
    /// How many columns the measure holds at one letter each.
    max_columns: usize,
}

impl TableFit {
    /// What to tell the user, at the table's first byte `at`: an error for
    /// a table with more columns than letters fit across the page (its
    /// rows would print as black bars), a warning when words are cut.
    fn problem(&self, at: usize) -> Option<Diagnostic> {
        let columns = self.widths.len();
        let span = Span::new(at..at + 1);
        if columns > self.max_columns {
            return Some(
                Diagnostic::error(
                    span,
                    format!(
                        "a table of {columns} columns cannot be printed on this paper: \
                         at most {} columns fit across the page, one letter each",
                        self.max_columns
                    ),
                )
                .with_hint(
                    "split the table into narrower ones, use --paper a4, \
                     or export only the EPUB (its tables scroll sideways)",
                ),
            );
        }
        self.words_cut.then(|| {
            Diagnostic::warning(
                span,
                format!(
                    "a table of {columns} columns is too wide for the page: \
                     its words are cut to fit"
                ),
            )
            .with_hint("split the table, shorten its words, or use --paper a4")
        })
    }
}

/// Fits a table to `measure` from each column's text widths at `size`:
/// `natural` (its widest cell on one line) and `longest` (its longest
/// word). In order of preference: every cell on one line, widened to the
/// measure; every word whole at the full size, or at a size down to
/// [`MIN_TABLE_SCALE`] of it; then narrower padding; then words cut
/// between letters, every column holding at least one letter.
fn fit_table(natural: &[f32], longest: &[f32], measure: f32, size: f32) -> TableFit {
    let n = natural.len().max(1) as f32;
    let fitted = |scale: f32, padding: f32, words_cut: bool, widths: Vec<f32>| TableFit {
        scale,
        padding,
        widths,
        words_cut,
        max_columns: max_table_columns(measure, size),
    };
    let sum_longest: f32 = longest.iter().sum();
    let room = measure - 2.0 * CELL_PADDING * n;
    if room > 0.0 && sum_longest * MIN_TABLE_SCALE <= room {
        let scale = if sum_longest > 0.0 {
            (room / sum_longest).min(1.0)
        } else {
            1.0
        };
        let widths = share_measure(natural, longest, scale, CELL_PADDING, measure);
        return fitted(scale, CELL_PADDING, false, widths);
    }
    let scale = MIN_TABLE_SCALE;
    let room = measure - 2.0 * NARROW_CELL_PADDING * n;
    if room > 0.0 && sum_longest * scale <= room {
        let widths = share_measure(natural, longest, scale, NARROW_CELL_PADDING, measure);
        return fitted(scale, NARROW_CELL_PADDING, false, widths);
    }
    // Words cut: each column gets one letter and its padding, the rest of
    // the measure goes by the length of its longest word.
    let least = min_column_width(size);
    let spare = (measure - least * n).max(0.0);
    let widths = longest
        .iter()
        .map(|w| least + spare * w / sum_longest.max(f32::EPSILON))
        .collect();
    fitted(scale, NARROW_CELL_PADDING, true, widths)
}

/// Widths at `scale` that add up to `measure`: natural widths widened
/// evenly when they all fit, else each column's longest word plus a share
/// of what is left by how much more it would like.
fn share_measure(
    natural: &[f32],
    longest: &[f32],
    scale: f32,
    padding: f32,
    measure: f32,
) -> Vec<f32> {
    let natural: Vec<f32> = natural.iter().map(|w| w * scale + 2.0 * padding).collect();
    let total: f32 = natural.iter().sum();
    if total <= measure {
        let extra = (measure - total) / natural.len().max(1) as f32;
        return natural.iter().map(|w| w + extra).collect();
    }
    let floors: Vec<f32> = longest.iter().map(|w| w * scale + 2.0 * padding).collect();
    let wants: Vec<f32> = natural.iter().zip(&floors).map(|(n, l)| n - l).collect();
    let want: f32 = wants.iter().sum::<f32>().max(f32::EPSILON);
    let spare = (measure - floors.iter().sum::<f32>()).max(0.0);
    floors
        .iter()
        .zip(&wants)
        .map(|(l, w)| l + spare * w / want)
        .collect()
}

/// The narrowest a column can be: one letter of the smallest table text
/// and the narrow padding.
fn min_column_width(size: f32) -> f32 {
    MIN_COLUMN_LETTER * size * MIN_TABLE_SCALE + 2.0 * NARROW_CELL_PADDING
}

/// How many columns a table may have on a measure whose cells are usually
/// set at `size`: 45 on A5, 54 on A4.
pub(crate) fn max_table_columns(measure: f32, size: f32) -> usize {
    (measure / min_column_width(size)).floor() as usize
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fonts::FontSet;

    #[test]
    fn a_table_is_set_smaller_before_its_words_are_cut() {
        let (measure, size) = (300.0, 9.0);
        let total = |fit: &TableFit| fit.widths.iter().sum::<f32>();
        // Fits on one line a cell: full size, widened to the measure.
        let fit = fit_table(&[50.0, 80.0], &[30.0, 40.0], measure, size);
        assert_eq!((fit.scale, fit.words_cut), (1.0, false));
        assert!((total(&fit) - measure).abs() < 0.01);
        assert!(fit.problem(0).is_none());
        // Twelve columns whose words fit at 85 %: smaller, nothing cut.
        let fit = fit_table(&[40.0; 12], &[20.0; 12], measure, size);
        assert!(fit.scale < 1.0 && fit.scale >= MIN_TABLE_SCALE, "{fit:?}");
        assert!(!fit.words_cut && fit.problem(0).is_none());
        assert!(
            fit.widths
                .iter()
                .all(|w| w * 1.001 >= 20.0 * fit.scale + 8.0)
        );
        // Forty: the smallest size, narrow padding, words cut, a warning.
        let fit = fit_table(&[60.0; 40], &[40.0; 40], measure, size);
        assert_eq!(
            (fit.scale, fit.padding),
            (MIN_TABLE_SCALE, NARROW_CELL_PADDING)
        );
        let warning = fit.problem(7).unwrap();
        assert_eq!(warning.severity, crate::diag::Severity::Warning);
        assert_eq!(warning.span.start, 7);
        assert!(fit.widths.iter().all(|&w| w >= min_column_width(size)));
        assert!((total(&fit) - measure).abs() < 0.01);
        // More columns than letters fit across: an error.
        let most = max_table_columns(measure, size);
        let fit = fit_table(&vec![20.0; most + 1], &vec![10.0; most + 1], measure, size);
        let error = fit.problem(0).unwrap();
        assert_eq!(error.severity, crate::diag::Severity::Error);
        assert!(error.message.contains(&format!("at most {most} columns")));
    }

    #[test]
    fn the_column_limit_per_paper() {
        for (paper, columns) in [(super::super::Paper::A5, 45), (super::super::Paper::A4, 54)] {
            let theme = Theme::for_paper(paper);
            assert_eq!(
                max_table_columns(theme.measure, theme.body_size * 0.9),
                columns
            );
        }
    }

    /// The summit's body many times over, with a link and a list in each
    /// copy so the structure tree has nodes below the blocks.
    fn long_document() -> Document {
        let body = crate::builtin::MARKDOWN
            .split_once("\n# ")
            .map(|(_, body)| body)
            .expect("the summit text has headings");
        let mut text = String::new();
        for i in 0..30 {
            text.push_str(&format!(
                "# Del {i}\n\nSe [FN](https://un.org/{i}).\n\n- ett\n- två\n\n# {body}\n"
            ));
        }
        crate::parse::parse(&text, &crate::parse::ParseOptions { name: "t".into(), lang: None, title: None })
            .expect("parses")
            .output
    }

    #[test]
    fn two_threads_lay_out_exactly_what_one_does() {
        let doc = long_document();
        let split = parallel_split(&doc).expect("long enough to split");
        assert!(split > 1 && split < doc.blocks.len());
        let fonts = FontSet::built_in();
        let theme = Theme::for_paper(super::super::Paper::default());
        let assets = Assets::default();
        let mut one = Shaper::new(&fonts);
        let mut two = Shaper::new(&fonts);
        let sequential = build_flow_split(&doc, &assets, &theme, &mut one, None);
        let parallel = build_flow_split(&doc, &assets, &theme, &mut two, Some(split));
        assert_eq!(sequential.1, parallel.1);
        assert_eq!(sequential.0.structure, parallel.0.structure);
        assert_eq!(sequential.0.elements.len(), parallel.0.elements.len());
        assert!(sequential.0 == parallel.0, "the flows differ");
    }

    #[test]
    fn short_documents_and_documents_with_footnotes_stay_on_one_thread() {
        let short = crate::parse::parse(
            crate::builtin::MARKDOWN,
            &crate::parse::ParseOptions { name: "t".into(), lang: None, title: None },
        )
        .expect("parses")
        .output;
        assert_eq!(parallel_split(&short), None);
        let mut noted = long_document();
        noted.footnotes.push(crate::model::Footnote {
            number: 1,
            label: "a".into(),
            blocks: Vec::new(),
            span: Span::DETACHED,
        });
        assert_eq!(parallel_split(&noted), None);
    }
}
