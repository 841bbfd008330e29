//! pulldown-cmark events → model tree, with an explicit stack.
//!
//! Every `Event` and `Tag` variant is named in the `match`es below (no
//! `_ =>`), so a pulldown-cmark upgrade that adds one breaks the build
//! instead of silently dropping content.

use super::MAX_NESTING;
use super::html_blocks::{HtmlBlock, Listing, html_block, inline_image, is_rule, listing};
use crate::diag::{Diagnostic, Span};
use crate::model::{
    Alert, Align, Block, Document, Footnote, Image, Inline, ListItem, Meta, plain_text,
};
use pulldown_cmark::{
    Alignment, BlockQuoteKind, CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd,
};
use std::collections::{BTreeMap, BTreeSet};

/// The parser options mdg-export reads Markdown with, in one place.
fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        // GitHub's alerts (`> [!NOTE]`), which READMEs use.
        | Options::ENABLE_GFM
}

/// What an open container on the stack is.
#[derive(Debug)]
enum Kind {
    Root,
    Paragraph,
    Heading {
        level: u8,
        id: Option<String>,
        /// `lang=` of its attribute block.
        lang: Option<String>,
    },
    Quote {
        alert: Option<Alert>,
    },
    List {
        start: Option<u64>,
    },
    Item,
    FootnoteDef {
        label: String,
    },
    Code {
        lang: Option<String>,
    },
    HtmlBlock,
    Table {
        align: Vec<Align>,
    },
    TableHead,
    TableRow,
    TableCell,
    Emph,
    Strong,
    Strike,
    Link {
        url: String,
        title: String,
    },
    Image {
        url: String,
        title: String,
    },
    /// A container past [`MAX_NESTING`] (or one we do not model, such as
    /// a definition list): its content goes straight to its parent.
    Transparent,
}

/// An open container and what has been collected in it so far.
#[derive(Debug)]
struct Frame {
    kind: Kind,
    start: usize,
    blocks: Vec<Block>,
    inlines: Vec<Inline>,
    items: Vec<ListItem>,
    rows: Vec<Vec<Vec<Inline>>>,
    cells: Vec<Vec<Inline>>,
    text: String,
    task: Option<bool>,
}

impl Frame {
    fn new(kind: Kind, start: usize) -> Self {
        Frame {
            kind,
            start,
            blocks: Vec::new(),
            inlines: Vec::new(),
            items: Vec::new(),
            rows: Vec::new(),
            cells: Vec::new(),
            text: String::new(),
            task: None,
        }
    }

    /// Tight list items hold bare inlines; before a block follows them (or
    /// the item ends) they become a paragraph.
    fn flush_inlines(&mut self, end: usize) {
        if !self.inlines.is_empty() {
            let content = std::mem::take(&mut self.inlines);
            let start = content.first().map_or(end, |i| i.span().start);
            self.blocks.push(Block::Paragraph {
                content,
                span: Span::new(start..end),
            });
        }
    }
}

struct Builder<'w> {
    /// The Markdown being read, and where its first byte is in the file.
    body: &'w str,
    offset: usize,
    stack: Vec<Frame>,
    warnings: &'w mut Vec<Diagnostic>,
    nesting_warned: bool,
    footnote_defs: BTreeMap<String, (Vec<Block>, Span)>,
    footnote_order: Vec<String>,
    /// Label → number, so each reference is numbered in constant time.
    footnote_numbers: BTreeMap<String, usize>,
    ids: BTreeSet<String>,
    /// The document's language, for the words the tool adds.
    lang: String,
    /// The captions of the mdBook listings open (see [`Listing`]), to be
    /// set after their code.
    listings: Vec<Option<Vec<Inline>>>,
}

/// Builds the model of `body`, whose first byte is at `offset` in the file.
pub fn build(body: &str, offset: usize, meta: Meta, warnings: &mut Vec<Diagnostic>) -> Document {
    let mut builder = Builder {
        body,
        offset,
        stack: vec![Frame::new(Kind::Root, 0)],
        warnings,
        nesting_warned: false,
        footnote_defs: BTreeMap::new(),
        footnote_order: Vec::new(),
        footnote_numbers: BTreeMap::new(),
        ids: BTreeSet::new(),
        lang: meta.lang.clone(),
        listings: Vec::new(),
    };
    for (event, range) in Parser::new_ext(body, options()).into_offset_iter() {
        let span = Span::new(range).shifted(offset);
        builder.event(event, span);
    }
    // The parser balances start and end events; the root is what is left.
    let mut root = builder.stack.pop().expect("the root frame is never popped");
    while let Some(mut frame) = builder.stack.pop() {
        // Unreachable with balanced events, but never lose text.
        frame.flush_inlines(body.len() + offset);
        root.blocks.append(&mut frame.blocks);
    }
    root.flush_inlines(body.len() + offset);

    let mut blocks = root.blocks;
    super::spans::lift(&mut blocks, builder.warnings);
    let cover = match blocks.first() {
        Some(Block::Figure { .. }) => match blocks.remove(0) {
            Block::Figure { image, .. } => Some(image),
            _ => None,
        },
        _ => None,
    };

    report_undefined_footnotes(&blocks, builder.warnings);
    let mut footnotes = builder.finish_footnotes();
    for note in &mut footnotes {
        super::spans::lift(&mut note.blocks, builder.warnings);
    }
    assign_heading_ids(&mut blocks, &mut builder.ids, &mut BTreeMap::new());
    Document {
        meta,
        cover,
        blocks,
        footnotes,
    }
}

impl Builder<'_> {
    fn top(&mut self) -> &mut Frame {
        self.stack
            .last_mut()
            .expect("the root frame is always there")
    }

    fn block_depth(&self) -> usize {
        self.stack
            .iter()
            .filter(|f| matches!(f.kind, Kind::Quote { .. } | Kind::List { .. }))
            .count()
    }

    fn inline_depth(&self) -> usize {
        self.stack
            .iter()
            .filter(|f| {
                matches!(
                    f.kind,
                    Kind::Emph | Kind::Strong | Kind::Strike | Kind::Link { .. }
                )
            })
            .count()
    }

    fn too_deep(&mut self, span: Span) -> bool {
        if !self.nesting_warned {
            self.nesting_warned = true;
            self.warnings.push(
                Diagnostic::warning(
                    span,
                    format!("content nested more than {MAX_NESTING} levels deep is flattened"),
                )
                .with_hint("reduce the nesting of quotes, lists or emphasis"),
            );
        }
        true
    }

    fn push(&mut self, kind: Kind, span: Span) {
        let is_block_container = matches!(kind, Kind::Quote { .. } | Kind::List { .. });
        let is_inline_container = matches!(
            kind,
            Kind::Emph | Kind::Strong | Kind::Strike | Kind::Link { .. }
        );
        let kind = if (is_block_container && self.block_depth() >= MAX_NESTING)
            || (is_inline_container && self.inline_depth() >= MAX_NESTING)
        {
            self.too_deep(span);
            Kind::Transparent
        } else {
            kind
        };
        if matches!(
            kind,
            Kind::Paragraph
                | Kind::Heading { .. }
                | Kind::Quote { .. }
                | Kind::List { .. }
                | Kind::Code { .. }
                | Kind::HtmlBlock
                | Kind::Table { .. }
        ) {
            self.top().flush_inlines(span.start);
        }
        self.stack.push(Frame::new(kind, span.start));
    }

    fn event(&mut self, event: Event<'_>, span: Span) {
        match event {
            Event::Start(tag) => self.start(tag, span),
            Event::End(tag) => self.end(tag, span),
            Event::Text(text) => {
                let top = self.top();
                match top.kind {
                    Kind::Code { .. } | Kind::HtmlBlock => top.text.push_str(&text),
                    _ => push_text(&mut top.inlines, &text, span),
                }
            }
            Event::Code(text) => self
                .top()
                .inlines
                .push(Inline::Code(text.into_string(), span)),
            Event::InlineMath(text) | Event::DisplayMath(text) => {
                // Math is not enabled in the parser options; keep the source text.
                push_text(&mut self.top().inlines, &text, span)
            }
            Event::Html(html) => {
                let top = self.top();
                if matches!(top.kind, Kind::HtmlBlock) {
                    top.text.push_str(&html);
                } else {
                    top.inlines.push(Inline::Html(html.into_string(), span));
                }
            }
            Event::InlineHtml(html) => {
                let inline = match inline_image(&html, span) {
                    Some(image) => Inline::Image(image),
                    None => Inline::Html(html.into_string(), span),
                };
                self.top().inlines.push(inline);
            }
            Event::FootnoteReference(label) => {
                let label = label.into_string();
                let number = match self.footnote_numbers.get(&label) {
                    Some(&number) => number,
                    None => {
                        self.footnote_order.push(label.clone());
                        let number = self.footnote_order.len();
                        self.footnote_numbers.insert(label.clone(), number);
                        number
                    }
                };
                self.top().inlines.push(Inline::FootnoteRef {
                    label,
                    number,
                    span,
                });
            }
            Event::SoftBreak => self.top().inlines.push(Inline::SoftBreak(span)),
            Event::HardBreak => self.top().inlines.push(Inline::HardBreak(span)),
            Event::Rule => {
                self.top().flush_inlines(span.start);
                self.top().blocks.push(Block::Rule { span });
            }
            Event::TaskListMarker(done) => {
                if let Some(item) = self
                    .stack
                    .iter_mut()
                    .rev()
                    .find(|f| matches!(f.kind, Kind::Item))
                {
                    item.task = Some(done);
                }
            }
        }
    }

    fn start(&mut self, tag: Tag<'_>, span: Span) {
        let kind = match tag {
            Tag::Paragraph => Kind::Paragraph,
            Tag::Heading {
                level, id, attrs, ..
            } => Kind::Heading {
                level: heading_level(level),
                id: id.map(|id| id.into_string()),
                lang: attrs
                    .into_iter()
                    .find(|(key, _)| &**key == "lang")
                    .map(|(_, value)| value.map(|v| v.into_string()).unwrap_or_default()),
            },
            Tag::BlockQuote(kind) => Kind::Quote {
                alert: kind.map(|kind| match kind {
                    BlockQuoteKind::Note => Alert::Note,
                    BlockQuoteKind::Tip => Alert::Tip,
                    BlockQuoteKind::Important => Alert::Important,
                    BlockQuoteKind::Warning => Alert::Warning,
                    BlockQuoteKind::Caution => Alert::Caution,
                }),
            },
            Tag::CodeBlock(kind) => Kind::Code {
                lang: match kind {
                    CodeBlockKind::Fenced(info) => {
                        info.split_whitespace().next().map(|word| word.to_string())
                    }
                    CodeBlockKind::Indented => None,
                },
            },
            Tag::HtmlBlock => Kind::HtmlBlock,
            Tag::List(start) => Kind::List { start },
            Tag::Item => Kind::Item,
            Tag::FootnoteDefinition(label) => Kind::FootnoteDef {
                label: label.into_string(),
            },
            Tag::Table(align) => Kind::Table {
                align: align.into_iter().map(convert_align).collect(),
            },
            Tag::TableHead => Kind::TableHead,
            Tag::TableRow => Kind::TableRow,
            Tag::TableCell => Kind::TableCell,
            Tag::Emphasis => Kind::Emph,
            Tag::Strong => Kind::Strong,
            Tag::Strikethrough => Kind::Strike,
            Tag::Link {
                dest_url, title, ..
            } => Kind::Link {
                url: dest_url.into_string(),
                title: title.into_string(),
            },
            Tag::Image {
                dest_url, title, ..
            } => Kind::Image {
                url: dest_url.into_string(),
                title: title.into_string(),
            },
            // Not enabled in the parser options; kept so the match is total.
            Tag::DefinitionList
            | Tag::DefinitionListTitle
            | Tag::DefinitionListDefinition
            | Tag::Superscript
            | Tag::Subscript
            | Tag::MetadataBlock(_) => Kind::Transparent,
        };
        self.push(kind, span);
    }

    fn end(&mut self, tag: TagEnd, span: Span) {
        let _ = tag; // The stack knows what closes; the parser balances tags.
        let Some(mut frame) = self.stack.pop() else {
            return;
        };
        if self.stack.is_empty() {
            // Never pop the root: put it back.
            self.stack.push(frame);
            return;
        }
        let whole = Span::new(frame.start..span.end.max(frame.start));
        // The model lives until the outputs are written: a closed container
        // keeps what it holds, not the room it grew (a table cell of one
        // word held four inlines' worth; issue 17's memory per MB).
        frame.inlines.shrink_to_fit();
        frame.cells.shrink_to_fit();
        match std::mem::replace(&mut frame.kind, Kind::Transparent) {
            // Only the bottom frame is the root, and it was put back above.
            Kind::Root => {}
            Kind::Paragraph => {
                let block = paragraph_or_figure(frame.inlines, whole);
                self.top().blocks.push(block);
            }
            Kind::Heading { level, id, lang } => {
                let mut content = frame.inlines;
                if let Some(lang) = lang {
                    self.heading_lang(lang, &mut content, whole);
                }
                let id = id
                    .map(|id| slug(&id))
                    .filter(|id| !id.is_empty())
                    .unwrap_or_default();
                self.top().blocks.push(Block::Heading {
                    level,
                    id,
                    content,
                    span: whole,
                });
            }
            Kind::Quote { alert } => {
                frame.flush_inlines(whole.end);
                self.top().blocks.push(Block::Quote {
                    alert,
                    blocks: frame.blocks,
                    span: whole,
                });
            }
            Kind::List { start } => {
                self.top().blocks.push(Block::List {
                    start,
                    items: frame.items,
                    span: whole,
                });
            }
            Kind::Item => {
                frame.flush_inlines(whole.end);
                let item = ListItem {
                    task: frame.task,
                    blocks: frame.blocks,
                    span: whole,
                };
                let parent = self.top();
                if matches!(parent.kind, Kind::List { .. }) {
                    parent.items.push(item);
                } else {
                    parent.blocks.extend(item.blocks);
                }
            }
            Kind::FootnoteDef { label } => {
                frame.flush_inlines(whole.end);
                match self.footnote_defs.entry(label) {
                    std::collections::btree_map::Entry::Occupied(entry) => {
                        self.warnings.push(
                            Diagnostic::warning(
                                whole,
                                format!("footnote `{}` is defined twice", entry.key()),
                            )
                            .with_hint("the first definition is used; remove or rename the other"),
                        );
                    }
                    std::collections::btree_map::Entry::Vacant(entry) => {
                        entry.insert((frame.blocks, whole));
                    }
                }
            }
            Kind::Code { lang } => {
                let mut text = frame.text;
                if text.ends_with('\n') {
                    text.pop();
                }
                self.top().blocks.push(Block::Code {
                    lang,
                    text,
                    span: whole,
                });
            }
            Kind::HtmlBlock => {
                // The block's lines as written (in a quote or list, its text
                // has lost their prefixes), for the images' spans.
                let source = self
                    .body
                    .get(
                        whole.start.saturating_sub(self.offset)
                            ..whole.end.saturating_sub(self.offset),
                    )
                    .unwrap_or("");
                if let Some(listing) = listing(&frame.text) {
                    self.listing(listing, whole);
                    return;
                }
                if is_rule(&frame.text) {
                    self.top().blocks.push(Block::Rule { span: whole });
                    return;
                }
                let block = match html_block(&frame.text, source, whole) {
                    Some(HtmlBlock::Inlines(content)) => paragraph_or_figure(content, whole),
                    Some(HtmlBlock::Heading {
                        level,
                        id,
                        content,
                        logo,
                    }) => {
                        if !logo.is_empty() {
                            self.top().blocks.push(paragraph_or_figure(logo, whole));
                        }
                        Block::Heading {
                            level,
                            id: Some(id)
                                .filter(|id| !id.is_empty())
                                .map(|id| slug(&id))
                                .unwrap_or_default(),
                            content,
                            span: whole,
                        }
                    }
                    None => Block::Html {
                        html: frame.text,
                        span: whole,
                    },
                };
                self.top().blocks.push(block);
            }
            Kind::Table { align } => {
                let columns = align.len();
                let mut rows = frame.rows.into_iter();
                let mut head = rows.next().unwrap_or_default();
                head.resize(columns, Vec::new());
                let rows = rows
                    .map(|mut row| {
                        row.resize(columns, Vec::new());
                        row
                    })
                    .collect();
                self.top().blocks.push(Block::Table {
                    align,
                    head,
                    rows,
                    span: whole,
                });
            }
            Kind::TableHead | Kind::TableRow => {
                // pulldown-cmark puts the head's cells straight into TableHead.
                let cells = frame.cells;
                self.top().rows.push(cells);
            }
            Kind::TableCell => {
                let cell = frame.inlines;
                self.top().cells.push(cell);
            }
            Kind::Emph => self.top().inlines.push(Inline::Emph(frame.inlines, whole)),
            Kind::Strong => self
                .top()
                .inlines
                .push(Inline::Strong(frame.inlines, whole)),
            Kind::Strike => self
                .top()
                .inlines
                .push(Inline::Strike(frame.inlines, whole)),
            Kind::Link { url, title } => self.top().inlines.push(Inline::Link {
                url,
                title,
                content: frame.inlines,
                span: whole,
            }),
            Kind::Image { url, title } => {
                let alt = plain_text(&frame.inlines);
                self.top().inlines.push(Inline::Image(Image {
                    url,
                    alt,
                    title,
                    width: None,
                    height: None,
                    span: whole,
                }));
            }
            Kind::Transparent => {
                let parent = self.top();
                parent.blocks.append(&mut frame.blocks);
                parent.inlines.append(&mut frame.inlines);
                for item in frame.items {
                    parent.blocks.extend(item.blocks);
                }
            }
        }
    }

    /// `# Titel {lang=en}`: the heading is in that language. pulldown-cmark
    /// reads a heading's last `{…}` as its attributes, also where it
    /// closes a bracketed span (`# Om [In Larger Freedom]{lang=en}`):
    /// then the braces are put back, for [`super::spans`] to read.
    fn heading_lang(&mut self, lang: String, content: &mut Vec<Inline>, whole: Span) {
        let source = self
            .body
            .get(whole.start.saturating_sub(self.offset)..whole.end.saturating_sub(self.offset))
            .unwrap_or("");
        let line = source.lines().next().unwrap_or("").trim_end();
        if let Some(open) = line.rfind('{')
            && line[..open].ends_with(']')
            && let Some(close) = line[open..].find('}')
        {
            let at = whole.start + open;
            push_text(
                content,
                &line[open..open + close + 1],
                Span::new(at..at + close + 1),
            );
            return;
        }
        if !super::front_matter::is_language_tag(&lang) {
            self.warnings.push(
                Diagnostic::warning(
                    whole,
                    format!(
                        "`{lang}` is not a language tag; the heading keeps the language around it"
                    ),
                )
                .with_hint("use a BCP 47 tag such as `en`, `fr`, `es-MX` or `zh-Hans`"),
            );
            return;
        }
        let inner = std::mem::take(content);
        content.push(Inline::Span {
            lang,
            content: inner,
            span: whole,
        });
    }

    /// Orders footnote definitions by first reference and reports the
    /// undefined and the unused.
    fn finish_footnotes(&mut self) -> Vec<Footnote> {
        let mut notes = Vec::new();
        for (i, label) in self.footnote_order.iter().enumerate() {
            match self.footnote_defs.remove(label) {
                Some((blocks, span)) => notes.push(Footnote {
                    label: label.clone(),
                    number: i + 1,
                    blocks,
                    span,
                }),
                None => {
                    self.warnings.push(
                        Diagnostic::warning(
                            Span::DETACHED,
                            format!("footnote `{label}` is referenced but never defined"),
                        )
                        .with_hint(format!(
                            "add a definition `[^{label}]: …` or remove the reference"
                        )),
                    );
                    notes.push(Footnote {
                        label: label.clone(),
                        number: i + 1,
                        blocks: Vec::new(),
                        span: Span::DETACHED,
                    });
                }
            }
        }
        for (label, (_, span)) in std::mem::take(&mut self.footnote_defs) {
            self.warnings.push(
                Diagnostic::warning(
                    span,
                    format!("footnote `{label}` is defined but never used"),
                )
                .with_hint(format!("refer to it with `[^{label}]` or remove it")),
            );
        }
        notes
    }
}

/// GFM leaves a reference to an undefined footnote as literal text
/// (`[^label]`); find those so the user learns of them.
fn report_undefined_footnotes(blocks: &[Block], warnings: &mut Vec<Diagnostic>) {
    fn in_inlines(inlines: &[Inline], warnings: &mut Vec<Diagnostic>) {
        for inline in inlines {
            match inline {
                Inline::Text(text, span) => {
                    let mut rest = text.as_str();
                    while let Some(start) = rest.find("[^") {
                        let after = &rest[start + 2..];
                        let Some(end) = after.find(']') else { break };
                        let label = &after[..end];
                        if !label.is_empty() && !label.contains(char::is_whitespace) {
                            warnings.push(
                                Diagnostic::warning(
                                    *span,
                                    format!("footnote `{label}` is referenced but never defined"),
                                )
                                .with_hint(format!(
                                    "add a definition `[^{label}]: …` or remove the reference"
                                )),
                            );
                        }
                        rest = &after[end..];
                    }
                }
                Inline::Emph(children, _)
                | Inline::Strong(children, _)
                | Inline::Strike(children, _) => in_inlines(children, warnings),
                Inline::Link { content, .. } | Inline::Span { content, .. } => {
                    in_inlines(content, warnings)
                }
                Inline::Code(..)
                | Inline::Image(_)
                | Inline::FootnoteRef { .. }
                | Inline::SoftBreak(_)
                | Inline::HardBreak(_)
                | Inline::Emoji { .. }
                | Inline::Html(..) => {}
            }
        }
    }
    crate::model::for_each_block(blocks, &mut |block| {
        for run in block.inline_runs() {
            in_inlines(run, warnings);
        }
    });
}

fn push_text(inlines: &mut Vec<Inline>, text: &str, span: Span) {
    // A tab outside code is white space, as a browser shows it; no face
    // has a glyph for it (a heading `3.3<tab>- Välja` drew a box).
    let text = text.replace('\t', " ");
    // pulldown-cmark splits text at entity references and escapes; join
    // neighbouring pieces so later stages see whole words.
    if let Some(Inline::Text(previous, previous_span)) = inlines.last_mut()
        && previous_span.end == span.start
    {
        previous.push_str(&text);
        previous_span.end = span.end;
        return;
    }
    inlines.push(Inline::Text(text, span));
}

/// A paragraph that holds exactly one image (and nothing but white space)
/// is a figure.
fn paragraph_or_figure(mut content: Vec<Inline>, span: Span) -> Block {
    let only_image = content
        .iter()
        .filter(|inline| !matches!(inline, Inline::Text(t, _) if t.trim().is_empty()))
        .count()
        == 1
        && content
            .iter()
            .any(|inline| matches!(inline, Inline::Image(_)));
    if only_image {
        let position = content
            .iter()
            .position(|inline| matches!(inline, Inline::Image(_)))
            .expect("checked above");
        if let Inline::Image(image) = content.swap_remove(position) {
            return Block::Figure { image, span };
        }
    }
    Block::Paragraph { content, span }
}

fn heading_level(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

fn convert_align(align: Alignment) -> Align {
    match align {
        Alignment::None => Align::None,
        Alignment::Left => Align::Left,
        Alignment::Center => Align::Center,
        Alignment::Right => Align::Right,
    }
}

/// Makes an anchor from heading text: lower case letters and digits
/// (any script), words joined by `-`. XML ids may not start with a digit,
/// so such slugs get a `section-` prefix.
pub fn slug(text: &str) -> String {
    let mut out = String::new();
    let mut pending_dash = false;
    for c in text.chars() {
        if c.is_alphanumeric() {
            if pending_dash && !out.is_empty() {
                out.push('-');
            }
            pending_dash = false;
            out.extend(c.to_lowercase());
        } else if c.is_whitespace() || c == '-' || c == '_' {
            pending_dash = true;
        }
    }
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert_str(
            0,
            if out.is_empty() {
                "section"
            } else {
                "section-"
            },
        );
    }
    out
}

/// Gives every heading a unique id: its own `{#id}` or a slug of its text,
/// with `-1`, `-2` … added on repeats.
///
/// `next` remembers, for each base, the first suffix not yet tried: a
/// suffix once taken stays taken, so thousands of headings with the same
/// text are numbered in linear time, not by trying `-1`, `-2` … again
/// for each.
fn assign_heading_ids(
    blocks: &mut [Block],
    used: &mut BTreeSet<String>,
    next: &mut BTreeMap<String, usize>,
) {
    crate::model::for_each_block_mut(blocks, &mut |block| {
        let Block::Heading { id, content, .. } = block else {
            return;
        };
        let base = if id.is_empty() {
            slug(&plain_text(content))
        } else {
            id.clone()
        };
        let mut candidate = base.clone();
        let mut n = next.get(&base).copied().unwrap_or(1);
        while used.contains(&candidate) {
            candidate = format!("{base}-{n}");
            n += 1;
        }
        next.insert(base, n);
        used.insert(candidate.clone());
        *id = candidate;
    });
}

impl Builder<'_> {
    /// An mdBook listing's tags around a code block, as the Rust book
    /// writes them: its file name above the code, its number and caption
    /// below, as mdBook shows them.
    fn listing(&mut self, listing: Listing, span: Span) {
        let strings = crate::strings::Strings::for_lang(&self.lang);
        match listing {
            Listing::Open {
                number,
                file_name,
                caption,
            } => {
                if let Some(file) = file_name {
                    self.top().blocks.push(Block::Caption {
                        above: true,
                        content: vec![
                            Inline::Strong(
                                vec![Inline::Text(format!("{}:", strings.file_name), span)],
                                span,
                            ),
                            Inline::Text(" ".into(), span),
                            Inline::Code(file, span),
                        ],
                        span,
                    });
                }
                let label = number.map(|n| format!("{} {n}:", strings.listing));
                let caption = match (label, caption) {
                    (None, None) => None,
                    (label, caption) => {
                        let mut content = Vec::new();
                        if let Some(label) = label {
                            content.push(Inline::Strong(vec![Inline::Text(label, span)], span));
                        }
                        if let Some(caption) = caption {
                            content.push(Inline::Text(" ".into(), span));
                            content.extend(caption_inlines(&caption, span));
                        }
                        Some(content)
                    }
                };
                self.listings.push(caption);
            }
            Listing::Close => {
                if let Some(Some(content)) = self.listings.pop() {
                    self.top().blocks.push(Block::Caption {
                        content,
                        above: false,
                        span,
                    });
                }
            }
        }
    }
}

/// A caption written in an attribute: its `code` spans between backticks
/// (mdBook reads it as Markdown; nothing else is used in them).
fn caption_inlines(caption: &str, span: Span) -> Vec<Inline> {
    caption
        .split('`')
        .enumerate()
        .filter(|(_, part)| !part.is_empty())
        .map(|(i, part)| {
            if i % 2 == 1 {
                Inline::Code(part.to_string(), span)
            } else {
                Inline::Text(part.to_string(), span)
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert_eq!(slug("Vilka deltar?"), "vilka-deltar");
        assert_eq!(slug("Mer  information"), "mer-information");
        assert_eq!(slug("Åtta mål"), "åtta-mål");
        assert_eq!(slug("???"), "section");
        assert_eq!(slug("2015"), "section-2015");
    }

    #[test]
    fn repeated_headings_are_numbered_in_order() {
        let text = "# A\n\n# A-1\n\n# A\n\n# A\n\n# A {#a-3}\n\n# A\n";
        let doc = build(text, 0, Meta::default(), &mut Vec::new());
        let ids: Vec<_> = doc
            .blocks
            .iter()
            .filter_map(|b| match b {
                Block::Heading { id, .. } => Some(id.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(ids, ["a", "a-1", "a-2", "a-3", "a-3-1", "a-4"]);
    }
}
