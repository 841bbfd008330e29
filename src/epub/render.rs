//! Model blocks and inlines → XHTML markup.
//!
//! Every model construct has an arm here (no `_ =>`), so a new construct
//! in the model breaks the build instead of silently vanishing from the
//! EPUB. Raw HTML goes through [`super::sanitize`]; what cannot be carried
//! over (unsafe HTML, links that would not work in a reading system) is
//! dropped with a warning at its span.

use super::images::Images;
use super::outline::NOTES_FILE;
use super::page_list::{Marker, WordCursor, block_start, marker_html};
use super::sanitize::{HtmlWriter, Place, Report};
use crate::strings::Strings;
use super::xml::{attr, encode_url, id_token, push_attr, push_text, web_address};
use crate::diag::{Diagnostic, Span};
use crate::model::{Align, Block, Footnote, Image, Inline, ListItem, plain_text};
use percent_encoding::percent_decode_str;
use std::collections::{BTreeMap, BTreeSet};

/// Writes XHTML for blocks and inlines, file by file, and collects the
/// warnings. Links and note references are resolved against the whole
/// book, so it is made once and used for every file.
pub(super) struct Renderer<'a> {
    strings: &'a Strings,
    /// Heading id → file holding it.
    anchors: &'a BTreeMap<String, String>,
    images: &'a Images<'a>,
    /// Numbers of the footnotes that have a definition.
    notes: BTreeSet<usize>,
    /// The first reference to each note (`file#id`), for its back-link.
    first_refs: BTreeMap<usize, String>,
    /// The file being written.
    file: String,
    /// Ids used in the file being written; generated ids avoid them.
    ids: BTreeSet<String>,
    /// Page-break markers still to write, by block number in reading
    /// order (see [`super::page_list`]).
    markers: BTreeMap<usize, Vec<Marker>>,
    /// The number of the next block, in reading order.
    next_block: usize,
    /// Counts the words of the paragraph or heading being written, for
    /// the markers that go inside it.
    words: Option<WordCursor>,
    /// Where each page-break marker was written: page → (file, id).
    pub pages: BTreeMap<usize, (String, String)>,
    /// The raw HTML of the paragraph (heading, table cell) being written:
    /// what its fragments opened and must close.
    html: HtmlWriter,
    /// The level of the last heading written (0: none yet).
    last_heading: u8,
    /// Everything worth telling the user.
    pub warnings: Vec<Diagnostic>,
}

impl<'a> Renderer<'a> {
    /// Creates a renderer for a book with these anchors, images and notes.
    pub fn new(
        strings: &'a Strings,
        anchors: &'a BTreeMap<String, String>,
        images: &'a Images<'a>,
        footnotes: &[Footnote],
    ) -> Self {
        Renderer {
            strings,
            anchors,
            images,
            notes: footnotes.iter().map(|note| note.number).collect(),
            first_refs: BTreeMap::new(),
            file: String::new(),
            ids: BTreeSet::new(),
            markers: BTreeMap::new(),
            next_block: 0,
            words: None,
            pages: BTreeMap::new(),
            html: HtmlWriter::new(Place::Inline),
            last_heading: 0,
            warnings: Vec::new(),
        }
    }

    /// Sets the page-break markers to write, by block number: blocks are
    /// numbered in the order they are written, chapters then notes, each
    /// block before the blocks it holds (`page_list::collect_block_starts`).
    pub fn set_page_markers(&mut self, markers: BTreeMap<usize, Vec<Marker>>) {
        self.markers = markers;
    }

    /// Pages whose markers were never written (their block was never met;
    /// a bug if not empty).
    pub fn unwritten_pages(&self) -> Vec<usize> {
        self.markers
            .values()
            .flatten()
            .map(|marker| marker.page)
            .collect()
    }

    /// Called before each block is written: writes the page-break markers
    /// that go before it, and readies those that go inside its text.
    fn enter_block(&mut self, block: &Block, out: &mut String) {
        let number = self.next_block;
        self.next_block += 1;
        self.words = None;
        let Some(markers) = self.markers.remove(&number) else {
            return;
        };
        let (before, inside): (Vec<Marker>, Vec<Marker>) = if block_start(block).text {
            markers.into_iter().partition(|marker| marker.word == 0)
        } else {
            (markers, Vec::new())
        };
        let before: Vec<usize> = before.into_iter().map(|marker| marker.page).collect();
        if !before.is_empty() {
            self.write_markers(before, out);
            out.push('\n');
        }
        if !inside.is_empty() {
            self.words = Some(WordCursor::new(inside));
        }
    }

    /// Called at the end of a paragraph's or heading's text: writes the
    /// markers whose word was not reached.
    fn finish_text(&mut self, out: &mut String) {
        if let Some(mut cursor) = self.words.take() {
            let rest = cursor.finish();
            self.write_markers(rest, out);
        }
    }

    /// Writes page-break markers and remembers where they are.
    pub fn write_markers(&mut self, pages: Vec<usize>, out: &mut String) {
        for page in pages {
            let id = self.claim_id(&format!("page-{page}"));
            out.push_str(&marker_html(page, &id));
            self.pages.insert(page, (self.file.clone(), id));
        }
    }

    /// Writes text of the current paragraph, with the markers due in it.
    fn write_counted_text(&mut self, text: &str, out: &mut String) {
        let Some(cursor) = self.words.as_mut() else {
            push_text(out, text);
            return;
        };
        for (markers, run) in cursor.split(text) {
            self.write_markers(markers, out);
            push_text(out, run);
        }
    }

    /// Counts text written as one piece (a note number, an alt text) and
    /// writes the markers due in it before it.
    fn count_atomic_text(&mut self, text: &str, out: &mut String) {
        if let Some(cursor) = self.words.as_mut() {
            let due = cursor.advance(text);
            self.write_markers(due, out);
        }
    }

    /// Starts a new file holding `blocks`. Their heading ids are taken from
    /// the start, so that generated ids (note references) never clash
    /// with them.
    pub fn begin_file<'b>(&mut self, file: &str, blocks: impl IntoIterator<Item = &'b [Block]>) {
        self.file = file.to_string();
        self.ids.clear();
        for blocks in blocks {
            claim_heading_ids(blocks, &mut self.ids);
        }
    }

    /// Reserves `base` (or `base-2`, `base-3` … if taken) as an id in the
    /// current file.
    fn claim_id(&mut self, base: &str) -> String {
        let mut id = base.to_string();
        let mut n = 1;
        while self.ids.contains(&id) {
            n += 1;
            id = format!("{base}-{n}");
        }
        self.ids.insert(id.clone());
        id
    }

    /// Writes the blocks of one chapter file, opening a `<section>` at each
    /// heading and closing it before the next heading of the same or a
    /// higher rank. Sections of `top_level` headings are the chapters.
    pub fn write_chapter(&mut self, blocks: &[Block], top_level: u8, out: &mut String) {
        let mut labels = section_labels(blocks).into_iter();
        let mut open: Vec<u8> = Vec::new();
        for block in blocks {
            if let Block::Heading { level, .. } = block {
                let level = (*level).clamp(1, 6);
                while open.last().is_some_and(|&l| l >= level) {
                    open.pop();
                    out.push_str("</section>\n");
                }
                let labelled_by = match labels.next().flatten() {
                    Some(ids) => format!(" aria-labelledby=\"{}\"", attr(&ids)),
                    None => String::new(),
                };
                if level == top_level && open.is_empty() {
                    out.push_str(&format!(
                        "<section epub:type=\"chapter\" role=\"doc-chapter\"{labelled_by}>\n"
                    ));
                } else {
                    out.push_str(&format!("<section{labelled_by}>\n"));
                }
                open.push(level);
            }
            self.write_block(block, out);
        }
        for _ in open {
            out.push_str("</section>\n");
        }
    }

    /// Writes the endnotes section: one list item per note, each ending
    /// with a link back to its first reference.
    ///
    /// Endnotes, not `<aside epub:type="footnote">`: Apple Books hides
    /// asides in the text and shows them only as pop-ups, and readers
    /// without pop-ups (Kobo's own asides, calibre) show asides where
    /// they stand. Endnotes in a section of their own pop up in Apple
    /// Books, Kobo, Thorium and KOReader (they follow the `noteref` link
    /// to an element with a note type) and read as a plain list with
    /// back-links everywhere else. See docs/reading-systems.md.
    pub fn write_notes(&mut self, notes: &[Footnote], heading_level: u8, out: &mut String) {
        // The note ids are fixed: chapters already link to them.
        for note in notes {
            self.ids.insert(format!("fn-{}", note.number));
        }
        let title_id = self.claim_id("notes-title");
        let level = heading_level.clamp(1, 6);
        self.last_heading = level;
        out.push_str(&format!(
            "<section epub:type=\"endnotes\" role=\"doc-endnotes\" aria-labelledby=\"{title_id}\">\n\
             <h{level} id=\"{title_id}\">"
        ));
        push_text(out, self.strings.notes);
        out.push_str(&format!("</h{level}>\n<ol class=\"notes\">\n"));
        for (i, note) in notes.iter().enumerate() {
            // `epub:type="endnote"` is deprecated in the EPUB structural
            // vocabulary (EPUBCheck notes it only as usage OPF-086b), but
            // it is what Apple Books and Kobo look for to show a note in a
            // pop-up. No `role="doc-endnote"`: DPUB-ARIA 1.1 deprecated it
            // and accessibility checkers (axe, Ace) flag deprecated roles.
            out.push_str(&format!(
                "<li id=\"fn-{}\" epub:type=\"endnote\"",
                note.number
            ));
            // The list numbers the notes; say so only where it would not.
            if note.number != i + 1 {
                out.push_str(&format!(" value=\"{}\"", note.number));
            }
            out.push_str(">\n");
            // An up arrow, not the usual ↩: U+21A9 is an emoji and Apple
            // Books draws it as a coloured picture; U+2191 is in the fonts.
            let backlink = self.first_refs.get(&note.number).map(|href| {
                format!(
                    "<a href=\"{}\" epub:type=\"backlink\" role=\"doc-backlink\" aria-label=\"{}\">\u{2191}</a>",
                    attr(href),
                    attr(self.strings.back_to_text)
                )
            });
            match (note.blocks.split_last(), backlink) {
                // The back-link goes at the end of the last paragraph, as
                // in printed books, instead of on a line of its own.
                (Some((last @ Block::Paragraph { content, .. }, rest)), Some(backlink)) => {
                    self.write_blocks(rest, out);
                    self.enter_block(last, out);
                    out.push_str("<p>");
                    self.write_text(content, out);
                    self.finish_text(out);
                    out.push(' ');
                    out.push_str(&backlink);
                    out.push_str("</p>\n");
                }
                (_, Some(backlink)) => {
                    self.write_blocks(&note.blocks, out);
                    out.push_str(&format!("<p>{backlink}</p>\n"));
                }
                (_, None) => self.write_blocks(&note.blocks, out),
            }
            out.push_str("</li>\n");
        }
        out.push_str("</ol>\n</section>\n");
    }

    /// Writes blocks one after another.
    pub fn write_blocks(&mut self, blocks: &[Block], out: &mut String) {
        for block in blocks {
            self.write_block(block, out);
        }
    }

    fn write_block(&mut self, block: &Block, out: &mut String) {
        self.enter_block(block, out);
        match block {
            Block::Heading {
                level,
                id,
                content,
                span,
            } => {
                let level = self.heading_level(*level, *span);
                let mut inner = String::new();
                self.write_text(content, &mut inner);
                self.finish_text(&mut inner);
                out.push_str(&format!("<h{level} id=\""));
                push_attr(out, &id_token(id));
                out.push('"');
                if !has_text(&inner) {
                    // A heading without text has no name for assistive
                    // technology; it gets the label the contents use.
                    out.push_str(" aria-label=\"");
                    push_attr(out, self.strings.untitled);
                    out.push('"');
                }
                out.push('>');
                out.push_str(&inner);
                out.push_str(&format!("</h{level}>\n"));
            }
            Block::Paragraph { content, .. } => {
                // A right-to-left paragraph (its first strong letter, as
                // in the PDF) says so, also in a left-to-right book.
                let rtl = unicode_bidi::get_base_direction_full(plain_text(content).as_str())
                    == unicode_bidi::Direction::Rtl;
                out.push_str(if rtl { "<p dir=\"rtl\">" } else { "<p>" });
                self.write_text(content, out);
                self.finish_text(out);
                out.push_str("</p>\n");
            }
            Block::Caption { content, .. } => {
                out.push_str("<p class=\"caption\">");
                self.write_text(content, out);
                self.finish_text(out);
                out.push_str("</p>\n");
            }
            Block::Figure { image, .. } => self.write_figure(image, out),
            Block::List { start, items, .. } => self.write_list(*start, items, out),
            Block::Quote {
                alert: None,
                blocks,
                ..
            } => {
                out.push_str("<blockquote>\n");
                self.write_blocks(blocks, out);
                out.push_str("</blockquote>\n");
            }
            Block::Quote {
                alert: Some(alert),
                blocks,
                ..
            } => {
                // An alert is a note beside the text (ARIA's `note` role),
                // titled as GitHub titles it.
                let title = self.strings.alert(*alert);
                let class = format!("{alert:?}").to_ascii_lowercase();
                out.push_str(&format!(
                    "<div class=\"alert {class}\" role=\"note\">\n<p class=\"alert-title\"><strong>"
                ));
                push_text(out, title);
                out.push_str("</strong></p>\n");
                self.write_blocks(blocks, out);
                out.push_str("</div>\n");
            }
            Block::Div { lang, blocks, .. } => {
                out.push_str("<div");
                push_lang(out, lang);
                out.push_str(">\n");
                self.write_blocks(blocks, out);
                out.push_str("</div>\n");
            }
            Block::Code { lang, text, .. } => {
                out.push_str("<pre><code");
                let lang: String = lang
                    .as_deref()
                    .unwrap_or("")
                    .chars()
                    .filter(|c| !c.is_whitespace())
                    .collect();
                if !lang.is_empty() {
                    out.push_str(" class=\"language-");
                    push_attr(out, &lang);
                    out.push('"');
                }
                out.push('>');
                push_text(out, text);
                out.push_str("</code></pre>\n");
            }
            Block::Table {
                align, head, rows, ..
            } => self.write_table(align, head, rows, out),
            Block::Rule { .. } => out.push_str("<hr/>\n"),
            Block::Html { html, span } => {
                let images = self.images;
                let mut writer = HtmlWriter::new(Place::Block);
                let mut report = Report::default();
                writer.write(
                    html,
                    &|url| images.get(url).map(|file| file.href.clone()),
                    out,
                    &mut report,
                );
                writer.finish(out);
                out.push('\n');
                self.report_html(*span, &report);
            }
        }
    }

    fn write_figure(&mut self, image: &Image, out: &mut String) {
        out.push_str("<figure>\n");
        // The title becomes the caption, so it is not repeated as the
        // image's `title` (a screen reader would read it twice).
        self.write_image(image, false, out);
        if !image.title.trim().is_empty() {
            out.push_str("\n<figcaption>");
            push_text(out, &image.title);
            out.push_str("</figcaption>");
        }
        out.push_str("\n</figure>\n");
    }

    fn write_list(&mut self, start: Option<u64>, items: &[ListItem], out: &mut String) {
        let tag = match start {
            Some(1) => {
                out.push_str("<ol>\n");
                "ol"
            }
            Some(n) => {
                out.push_str(&format!("<ol start=\"{n}\">\n"));
                "ol"
            }
            None => {
                out.push_str("<ul>\n");
                "ul"
            }
        };
        for item in items {
            let Some(done) = item.task else {
                out.push_str("<li>");
                self.write_blocks(&item.blocks, out);
                out.push_str("</li>\n");
                continue;
            };
            // A real checkbox would be an HTML form control, which EPUB
            // only allows in documents marked `scripted`. A ballot box
            // character with a role and a name reads the same to everyone.
            let (symbol, label) = if done {
                ('\u{2611}', self.strings.task_done)
            } else {
                ('\u{2610}', self.strings.task_open)
            };
            let task_box = format!(
                "<span class=\"task-box\" role=\"img\" aria-label=\"{}\">{symbol}</span> ",
                attr(label)
            );
            out.push_str("<li class=\"task\">");
            match item.blocks.split_first() {
                Some((first @ Block::Paragraph { content, .. }, rest)) => {
                    self.enter_block(first, out);
                    out.push_str("<p>");
                    out.push_str(&task_box);
                    self.write_text(content, out);
                    self.finish_text(out);
                    out.push_str("</p>\n");
                    self.write_blocks(rest, out);
                }
                _ => {
                    out.push_str(&task_box);
                    self.write_blocks(&item.blocks, out);
                }
            }
            out.push_str("</li>\n");
        }
        out.push_str(&format!("</{tag}>\n"));
    }

    fn write_table(
        &mut self,
        align: &[Align],
        head: &[Vec<Inline>],
        rows: &[Vec<Vec<Inline>>],
        out: &mut String,
    ) {
        // Alignment is a class, not a style attribute: a reading system
        // (or the reader's own style sheet) can then override it.
        let class = |i: usize| match align.get(i).copied().unwrap_or(Align::None) {
            Align::None => "",
            Align::Left => " class=\"align-left\"",
            Align::Center => " class=\"align-center\"",
            Align::Right => " class=\"align-right\"",
        };
        out.push_str("<table>\n<thead>\n<tr>");
        for (i, cell) in head.iter().enumerate() {
            // An empty header (the corner of a comparison table) heads
            // nothing: a screen reader would announce a header with no
            // name (WCAG 1.3.1; Ace's empty-table-header), so it is a
            // plain cell.
            if crate::model::plain_text(cell).trim().is_empty() {
                out.push_str(&format!("<td{}></td>", class(i)));
                continue;
            }
            out.push_str(&format!("<th scope=\"col\"{}>", class(i)));
            self.write_text(cell, out);
            out.push_str("</th>");
        }
        out.push_str("</tr>\n</thead>\n");
        if !rows.is_empty() {
            out.push_str("<tbody>\n");
            for row in rows {
                out.push_str("<tr>");
                for (i, cell) in row.iter().enumerate() {
                    out.push_str(&format!("<td{}>", class(i)));
                    self.write_text(cell, out);
                    out.push_str("</td>");
                }
                out.push_str("</tr>\n");
            }
            out.push_str("</tbody>\n");
        }
        out.push_str("</table>\n");
    }

    /// The level a heading is written at: as in the source, but never more
    /// than one below the heading before it (h1 → h3 becomes h1 → h2), so
    /// that a screen reader's heading list has no gaps; a skip is warned
    /// about.
    fn heading_level(&mut self, source: u8, span: Span) -> u8 {
        let source = source.clamp(1, 6);
        let level = if self.last_heading == 0 {
            source
        } else {
            source.min(self.last_heading + 1)
        };
        if level < source {
            self.warnings.push(
                Diagnostic::warning(
                    span,
                    format!(
                        "heading level skips from {} to {source}; the EPUB makes it level {level}",
                        self.last_heading
                    ),
                )
                .with_hint("give each heading at most one `#` more than the heading before it"),
            );
        }
        self.last_heading = level;
        level
    }

    /// Writes the text of a paragraph, heading or table cell: its inlines,
    /// then the close tags of raw HTML left open in it.
    fn write_text(&mut self, content: &[Inline], out: &mut String) {
        self.html = HtmlWriter::new(Place::Inline);
        self.write_inlines(content, out, false);
        self.html.finish(out);
    }

    /// Writes inlines. Inside a link (`in_link`, or a raw `<a>`), nested
    /// links and note references lose their own `<a>`: HTML forbids links
    /// in links.
    fn write_inlines(&mut self, inlines: &[Inline], out: &mut String, in_link: bool) {
        for inline in inlines {
            if self.html.suppressing() && !matches!(inline, Inline::Html(..)) {
                // Inside a raw `<script>` or `<style>`: the text goes, the
                // page breaks counted in it stay.
                self.count_atomic_text(&plain_text(std::slice::from_ref(inline)), out);
                continue;
            }
            let in_link = in_link || self.html.in_link();
            match inline {
                Inline::Text(text, _) => self.write_counted_text(text, out),
                // The reading system's emoji font draws it.
                Inline::Emoji { emoji, .. } => self.write_counted_text(emoji, out),
                Inline::Code(text, _) => {
                    out.push_str("<code>");
                    self.write_counted_text(text, out);
                    out.push_str("</code>");
                }
                Inline::Emph(children, _) => {
                    out.push_str("<em>");
                    let was = self.html.enter(false);
                    self.write_inlines(children, out, in_link);
                    self.html.leave(was, out);
                    out.push_str("</em>");
                }
                Inline::Strong(children, _) => {
                    out.push_str("<strong>");
                    let was = self.html.enter(false);
                    self.write_inlines(children, out, in_link);
                    self.html.leave(was, out);
                    out.push_str("</strong>");
                }
                Inline::Strike(children, _) => {
                    out.push_str("<del>");
                    let was = self.html.enter(false);
                    self.write_inlines(children, out, in_link);
                    self.html.leave(was, out);
                    out.push_str("</del>");
                }
                Inline::Span { lang, content, .. } => {
                    out.push_str("<span");
                    push_lang(out, lang);
                    out.push('>');
                    let was = self.html.enter(false);
                    self.write_inlines(content, out, in_link);
                    self.html.leave(was, out);
                    out.push_str("</span>");
                }
                Inline::Link {
                    url,
                    title,
                    content,
                    span,
                } => {
                    let href = if in_link {
                        None
                    } else {
                        self.resolve_link(url, *span)
                    };
                    match href {
                        Some(href) => {
                            out.push_str("<a href=\"");
                            push_attr(out, &href);
                            out.push('"');
                            if !title.trim().is_empty() {
                                out.push_str(" title=\"");
                                push_attr(out, title);
                                out.push('"');
                            }
                            out.push('>');
                            let was = self.html.enter(true);
                            self.write_inlines(content, out, true);
                            self.html.leave(was, out);
                            out.push_str("</a>");
                        }
                        None => self.write_inlines(content, out, in_link),
                    }
                }
                Inline::Image(image) => {
                    self.count_atomic_text(&image.alt, out);
                    self.write_image(image, true, out);
                }
                Inline::FootnoteRef {
                    label,
                    number,
                    span,
                } => {
                    self.count_atomic_text(&number.to_string(), out);
                    self.write_noteref(label, *number, *span, in_link, out);
                }
                Inline::SoftBreak(_) => {
                    self.count_atomic_text(" ", out);
                    out.push('\n');
                }
                Inline::HardBreak(_) => {
                    self.count_atomic_text(" ", out);
                    out.push_str("<br/>\n");
                }
                Inline::Html(html, span) => {
                    let images = self.images;
                    let mut report = Report::default();
                    self.html.write(
                        html,
                        &|url| images.get(url).map(|file| file.href.clone()),
                        out,
                        &mut report,
                    );
                    self.report_html(*span, &report);
                }
            }
        }
    }

    fn write_image(&mut self, image: &Image, with_title: bool, out: &mut String) {
        match self.images.get(&image.url) {
            Some(file) => {
                out.push_str("<img src=\"");
                push_attr(out, &file.href);
                out.push_str("\" alt=\"");
                push_attr(out, image.alt.trim());
                out.push('"');
                if with_title && !image.title.trim().is_empty() {
                    out.push_str(" title=\"");
                    push_attr(out, &image.title);
                    out.push('"');
                }
                // The size asked for in HTML, both sides (one alone would
                // lose to the style sheet's `height: auto`, which keeps the
                // image within the page).
                if image.width.is_some() || image.height.is_some() {
                    let (w, h) = image.size_pt(file.asset.natural_size_pt());
                    let px = |pt: f32| (pt / 0.75).round().max(1.0);
                    out.push_str(&format!(" width=\"{}\" height=\"{}\"", px(w), px(h)));
                }
                out.push_str("/>");
            }
            // Remote or unreadable images were reported when the assets
            // were loaded; here the alt text stands in for them.
            None => {
                if !image.alt.trim().is_empty() {
                    out.push_str("<span class=\"missing-image\">");
                    push_text(out, image.alt.trim());
                    out.push_str("</span>");
                }
            }
        }
    }

    fn write_noteref(
        &mut self,
        label: &str,
        number: usize,
        span: Span,
        in_link: bool,
        out: &mut String,
    ) {
        if in_link {
            out.push_str(&format!("<sup>{number}</sup>"));
            return;
        }
        if !self.notes.contains(&number) {
            self.warnings.push(
                Diagnostic::warning(span, format!("footnote `[^{label}]` has no definition"))
                    .with_hint(format!(
                        "define it on a line of its own: `[^{label}]: text`"
                    )),
            );
            out.push_str(&format!("<sup>{number}</sup>"));
            return;
        }
        let id = self.claim_id(&format!("fnref-{number}"));
        self.first_refs
            .entry(number)
            .or_insert_with(|| format!("{}#{id}", self.file));
        out.push_str(&format!(
            "<sup><a epub:type=\"noteref\" role=\"doc-noteref\" href=\"{NOTES_FILE}#fn-{number}\" id=\"{id}\">{number}</a></sup>"
        ));
    }

    /// Where a Markdown link points in the EPUB, or `None` (with a
    /// warning) when it would not work there.
    fn resolve_link(&mut self, url: &str, span: Span) -> Option<String> {
        let url = url.trim();
        if let Some(fragment) = url.strip_prefix('#') {
            // As written, percent-decoded (`#m%C3%A5l`), or decoded and
            // made an id the way headings' ids are (`#in%20quote`).
            let decoded = percent_decode_str(fragment).decode_utf8_lossy();
            let as_id = id_token(&decoded).into_owned();
            let found = [fragment, &*decoded, as_id.as_str()]
                .into_iter()
                .find_map(|id| self.anchors.get_key_value(id));
            return match found {
                Some((id, file)) => Some(format!("{file}#{}", encode_url(id))),
                None => {
                    self.warnings.push(
                        Diagnostic::warning(span, format!("link `{url}` points to no heading"))
                            .with_hint(
                                "check the spelling; a heading's id is its text in lower case \
                                 with spaces as dashes, or the {#id} written after it",
                            ),
                    );
                    None
                }
            };
        }
        let scheme = url
            .split_once(':')
            .map(|(scheme, _)| scheme.to_ascii_lowercase());
        match scheme.as_deref() {
            Some("http" | "https" | "mailto") => {
                let address = web_address(url);
                if address.is_none() {
                    self.warnings.push(
                        Diagnostic::warning(span, format!("link `{url}` is not a valid address"))
                            .with_hint("check the address; the link text is kept"),
                    );
                }
                address
            }
            _ => {
                self.warnings.push(
                    Diagnostic::warning(span, format!("link `{url}` is not copied into the EPUB"))
                        .with_hint(
                            "only web (http, https), e-mail (mailto) and #heading links work \
                             in an e-book; the link text is kept",
                        ),
                );
                None
            }
        }
    }

    /// Warns about raw HTML that could not be kept as it was.
    fn report_html(&mut self, span: Span, report: &Report) {
        if let Some(message) = report.message() {
            self.warnings
                .push(Diagnostic::warning(span, message).with_hint(
                    "write it in Markdown; of raw HTML the EPUB keeps only simple formatting, \
                 lists, tables, web links and the book's own images",
                ));
        }
    }
}

/// Whether markup has any text outside its tags.
/// Writes ` lang="…" xml:lang="…"`: EPUB 3 content documents are XHTML,
/// whose reading systems look at either attribute (EPUB 3.3, 3.1.4;
/// HTML's "the lang and xml:lang attributes").
fn push_lang(out: &mut String, lang: &str) {
    out.push_str(" lang=\"");
    push_attr(out, lang);
    out.push_str("\" xml:lang=\"");
    push_attr(out, lang);
    out.push('"');
}

fn has_text(markup: &str) -> bool {
    let mut in_tag = false;
    markup.chars().any(|c| match c {
        '<' => {
            in_tag = true;
            false
        }
        '>' => {
            in_tag = false;
            false
        }
        c => !in_tag && !c.is_whitespace(),
    })
}

/// The `aria-labelledby` of the section each heading of `blocks` opens,
/// in order. A labelled section is a region landmark, and two regions
/// with one name cannot be told apart in a screen reader's list (Ace's
/// `landmark-unique`). A heading whose text no other heading of the file
/// has labels its section alone; one whose text is shared is labelled
/// with the headings of the sections around it, as few as make the name
/// unique ("Install Usage", "Run Usage"); a section no such name sets
/// apart is left unlabelled, and so is no landmark.
fn section_labels(blocks: &[Block]) -> Vec<Option<String>> {
    // Each heading's path: (level, id, text) of the sections it is in,
    // then its own.
    let mut paths: Vec<Vec<(u8, String, String)>> = Vec::new();
    let mut open: Vec<(u8, String, String)> = Vec::new();
    for block in blocks {
        if let Block::Heading {
            level, id, content, ..
        } = block
        {
            let level = (*level).clamp(1, 6);
            open.retain(|(l, ..)| *l < level);
            let text = plain_text(content)
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            open.push((level, id_token(id).into_owned(), text));
            paths.push(open.clone());
        }
    }
    // The name of the last `k` sections of a path.
    let name = |path: &[(u8, String, String)], k: usize| {
        let texts: Vec<&str> = path[path.len() - k..]
            .iter()
            .map(|(.., text)| text.as_str())
            .collect();
        texts.join(" ")
    };
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for path in &paths {
        for k in 1..=path.len() {
            *counts.entry(name(path, k)).or_default() += 1;
        }
    }
    let mut used = BTreeSet::new();
    paths
        .iter()
        .map(|path| {
            let k = (1..=path.len()).find(|&k| counts[&name(path, k)] == 1)?;
            let ids: Vec<&str> = path[path.len() - k..]
                .iter()
                .map(|(_, id, _)| id.as_str())
                .collect();
            used.insert(name(path, k)).then(|| ids.join(" "))
        })
        .collect()
}

fn claim_heading_ids(blocks: &[Block], ids: &mut BTreeSet<String>) {
    crate::model::for_each_block(blocks, &mut |block| {
        if let Block::Heading { id, .. } = block {
            ids.insert(id_token(id).into_owned());
        }
    });
}
