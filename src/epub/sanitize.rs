//! Raw HTML in the Markdown → harmless, well-formed XHTML.
//!
//! Goes in: HTML as written, either a whole HTML block or, inside a
//! paragraph, the separate fragments pulldown-cmark hands over (an open
//! tag, then Markdown text, then a close tag). Comes out: XHTML that
//! parses, is valid where it stands, and can do nothing but format text.
//!
//! html5ever's tokenizer reads the tags and character references, as a
//! browser does. Its tree builder is not used: the fragments of one
//! paragraph come one at a time between Markdown's own elements, so the
//! nesting is kept here, with the Markdown around it in view.
//!
//! - An allow-list of plain formatting, list, table and figure elements
//!   is kept, lower-cased, with quoted attributes and closed void
//!   elements. Of their attributes only harmless ones with checked values
//!   survive (`title`, `lang`, `dir`, spans, list numbers, `alt`); every
//!   `on…` handler, `style`, `class`, `id` and the like goes.
//! - `script` and `style` go with their content; `<details>` is kept open
//!   (a `<div>`, its `<summary>` a `<strong>`), as on paper.
//! - Every other element (`iframe`, `object`, `form`, `svg`, unknown
//!   tags …) is shown as the text it was written as.
//! - `<img>` stays only for an image the book already carries (a local
//!   file also used as a Markdown image); `<a>` only with a web or e-mail
//!   address. `javascript:`, `data:` and remote sources never get in.
//! - Elements are closed where their fragment, paragraph or enclosing
//!   Markdown emphasis or link ends; close tags that close nothing are
//!   dropped; an element that may not stand where it is (a `<div>` in a
//!   paragraph, an `<li>` outside a list) loses its tags, not its text.
//!
//! What was removed or escaped is reported, so the caller can warn at
//! the HTML's span.

use super::xml::{push_attr, push_text, web_address};
use crate::html::{Token, attr, tokenize};
use std::collections::BTreeSet;

/// Whether the HTML stands between blocks or inside running text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Place {
    /// An HTML block: flow content (`<section>`, `<li>`, `<blockquote>`).
    Block,
    /// Inline HTML: phrasing content (`<p>`, headings, table cells).
    Inline,
}

/// How deep raw HTML may nest elements; deeper ones lose their tags.
/// Keeps every XHTML file within what XML parsers accept (roxmltree, and
/// so our own check of every file, stops at 1024 levels).
const MAX_DEPTH: usize = 64;

/// How many elements (written or with dropped tags) may be open at once;
/// tags beyond are dropped. Every step looks through the open elements,
/// so this bound keeps hostile input (thousands of unclosed tags) from
/// taking quadratic time.
const MAX_OPEN: usize = 256;

/// How many things a warning lists before it says "and more".
const MAX_NOTES: usize = 12;

/// Elements removed together with everything up to their close tag.
const REMOVED_WITH_CONTENT: &[&str] = &["script", "style"];

/// Text-level elements that are kept.
const PHRASING: &[&str] = &[
    "a", "abbr", "b", "br", "cite", "code", "del", "em", "i", "img", "ins", "kbd", "mark", "q",
    "s", "small", "span", "strong", "sub", "sup", "u", "var",
];

/// Block-level elements that are kept.
const FLOW: &[&str] = &[
    "blockquote",
    "caption",
    "dd",
    "div",
    "dl",
    "dt",
    "figcaption",
    "figure",
    "hr",
    "li",
    "ol",
    "p",
    "pre",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "ul",
];

/// Elements with no content, written `<br/>`.
const VOID: &[&str] = &["br", "hr", "img"];

/// Elements whose end tag HTML lets the writer leave out: they are
/// closed when something that cannot stand inside them begins.
const AUTO_CLOSED: &[&str] = &[
    "caption", "dd", "dt", "li", "p", "tbody", "td", "tfoot", "th", "thead", "tr",
];

/// What was done to raw HTML that could not be kept as it was.
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct Report {
    /// What was left out (elements, attributes, close tags).
    pub removed: Vec<String>,
    /// Tags shown as text.
    pub escaped: Vec<String>,
    /// More was left out or escaped than the lists hold.
    pub more: bool,
}

impl Report {
    fn remove(&mut self, what: String) {
        if self.removed.len() >= MAX_NOTES {
            self.more |= !self.removed.contains(&what);
        } else if !self.removed.contains(&what) {
            self.removed.push(what);
        }
    }

    fn escape(&mut self, what: String) {
        if self.escaped.len() >= MAX_NOTES {
            self.more |= !self.escaped.contains(&what);
        } else if !self.escaped.contains(&what) {
            self.escaped.push(what);
        }
    }

    /// The warning's message, or `None` if everything was kept. It starts
    /// with "raw HTML", which the pipeline uses to merge it with the PDF's
    /// warning at the same span.
    pub fn message(&self) -> Option<String> {
        let mut parts = Vec::new();
        if !self.removed.is_empty() {
            parts.push(format!("left out {}", self.removed.join(", ")));
        }
        if !self.escaped.is_empty() {
            parts.push(format!("shown as text {}", self.escaped.join(", ")));
        }
        if self.more {
            parts.push("and more".to_string());
        }
        (!parts.is_empty()).then(|| format!("raw HTML in the EPUB: {}", parts.join("; ")))
    }
}

/// An element of the raw HTML that is still open.
#[derive(Debug, Clone)]
struct Open {
    /// Lower-case tag name.
    name: String,
    /// Its tags are written (false: its tags were dropped, and its close
    /// tag is swallowed quietly).
    written: bool,
    /// The Markdown nesting (emphasis, links) it was opened at.
    depth: usize,
    /// The elements written inside it so far, for the elements whose
    /// children come in a fixed order (tables, definition lists, figures).
    children: Vec<String>,
    /// Something (text or an element) was written inside it.
    has_content: bool,
}

/// How a child fits the order its parent requires.
enum Fit {
    /// As it is.
    Yes,
    /// After an element opened implicitly (a `<tbody>` for rows that
    /// follow a `<tbody>`), which the child goes into.
    Inside(&'static str),
    /// After an empty element (a `<dt>` before a `<dd>` that has none).
    After(&'static str),
    /// Not at all: its tags are dropped.
    No,
}

/// Writes raw HTML as XHTML, keeping track of what is open across the
/// fragments of one paragraph (or one HTML block).
#[derive(Debug, Clone)]
pub(super) struct HtmlWriter {
    place: Place,
    stack: Vec<Open>,
    /// Markdown nesting: emphasis, strong, strike-through and links the
    /// renderer has opened since the paragraph began.
    depth: usize,
    /// Inside `script` or `style` (name, depth): everything is dropped
    /// until its close tag at the same depth.
    suppress: Option<(String, usize)>,
    /// The renderer is inside a Markdown link (no `<a>` inside).
    in_markdown_link: bool,
    /// How many elements of `stack` are written.
    written: usize,
}

impl HtmlWriter {
    /// A writer for HTML at `place`.
    pub fn new(place: Place) -> Self {
        HtmlWriter {
            place,
            stack: Vec::new(),
            depth: 0,
            suppress: None,
            in_markdown_link: false,
            written: 0,
        }
    }

    /// Whether the content now written must be dropped (inside
    /// `<script>` or `<style>`).
    pub fn suppressing(&self) -> bool {
        self.suppress.is_some()
    }

    /// Whether a raw `<a>` is open: Markdown links and note references
    /// must not add another.
    pub fn in_link(&self) -> bool {
        self.stack
            .iter()
            .any(|open| open.written && open.name == "a")
    }

    /// The renderer opens an element of its own (emphasis, a link);
    /// returns what [`HtmlWriter::leave`] needs to restore.
    pub fn enter(&mut self, link: bool) -> bool {
        self.depth += 1;
        let was = self.in_markdown_link;
        self.in_markdown_link |= link;
        was
    }

    /// The renderer is about to close the element it opened last: close
    /// the raw HTML opened inside it first.
    pub fn leave(&mut self, was_in_link: bool, out: &mut String) {
        self.close_from_depth(self.depth, out);
        if self
            .suppress
            .as_ref()
            .is_some_and(|(_, depth)| *depth >= self.depth)
        {
            self.suppress = None;
        }
        self.depth = self.depth.saturating_sub(1);
        self.in_markdown_link = was_in_link;
    }

    /// Closes everything still open (end of the paragraph or block).
    pub fn finish(&mut self, out: &mut String) {
        self.close_from_depth(0, out);
        self.suppress = None;
    }

    fn close_from_depth(&mut self, depth: usize, out: &mut String) {
        while self.stack.last().is_some_and(|open| open.depth >= depth) {
            self.pop(out);
        }
    }

    fn pop(&mut self, out: &mut String) {
        if let Some(open) = self.stack.pop()
            && open.written
        {
            self.written -= 1;
            // Each group of a definition list ends with a description.
            if open.name == "dl" && open.children.last().is_some_and(|c| c == "dt") {
                out.push_str("<dd></dd>");
            }
            out.push_str(&format!("</{}>", open.name));
        }
    }

    /// The innermost element whose tags were written.
    fn parent(&self) -> Option<&Open> {
        self.stack.iter().rev().find(|open| open.written)
    }

    fn parent_mut(&mut self) -> Option<&mut Open> {
        self.stack.iter_mut().rev().find(|open| open.written)
    }

    /// Writes an open tag and notes the element as its parent's child.
    fn open(&mut self, name: &str, attributes: &str, out: &mut String) {
        if let Some(parent) = self.parent_mut() {
            parent.children.push(name.to_string());
            parent.has_content = true;
        }
        out.push_str(&format!("<{name}{attributes}"));
    }

    fn push(&mut self, name: &str, written: bool) {
        self.written += usize::from(written);
        self.stack.push(Open {
            name: name.to_string(),
            written,
            depth: self.depth,
            children: Vec::new(),
            has_content: false,
        });
    }

    /// Writes one piece of raw HTML. `image` gives the package path of a
    /// local image the book carries, by its URL as written.
    pub fn write(
        &mut self,
        html: &str,
        image: &dyn Fn(&str) -> Option<String>,
        out: &mut String,
        report: &mut Report,
    ) {
        for token in tokenize(html) {
            if let Some((name, _)) = &self.suppress {
                if matches!(&token, Token::End { name: end } if end == name) {
                    self.suppress = None;
                }
                continue;
            }
            match token {
                Token::Text(text) => self.write_text(&text, out, report),
                Token::Doctype(name) => {
                    report.remove(format!("`<!DOCTYPE {}>`", shorten(&name)));
                }
                Token::Start {
                    name,
                    attrs,
                    self_closing,
                    ..
                } => {
                    let tag = Tag {
                        name: always_open(&name),
                        attrs: &attrs,
                        self_closing,
                    };
                    self.start(&tag, image, out, report);
                }
                Token::End { name } => {
                    let kept = always_open(&name);
                    // `</details>` in a block of its own: its division
                    // closed where the block that opened it ended, and
                    // nothing is lost.
                    let open = self
                        .stack
                        .iter()
                        .any(|open| open.depth == self.depth && open.name == kept);
                    if kept != name && !open {
                        continue;
                    }
                    self.end(kept, out, report)
                }
            }
        }
    }

    fn start(
        &mut self,
        tag: &Tag<'_>,
        image: &dyn Fn(&str) -> Option<String>,
        out: &mut String,
        report: &mut Report,
    ) {
        let name = tag.name;
        if self.stack.len() >= MAX_OPEN && !VOID.contains(&name) && !tag.self_closing {
            report.remove(format!(
                "`<{}>` inside too many open elements (its text is kept)",
                shorten(name)
            ));
            return;
        }
        if REMOVED_WITH_CONTENT.contains(&name) {
            report.remove(format!("`<{name}>` with its content"));
            if !tag.self_closing {
                self.suppress = Some((name.to_string(), self.depth));
            }
            return;
        }
        if !PHRASING.contains(&name) && !FLOW.contains(&name) {
            report.escape(format!("`<{}>`", shorten(name)));
            self.write_text(&tag.as_written(), out, report);
            return;
        }
        let void = VOID.contains(&name);
        // An image the book does not carry, or a link that would not
        // work, loses its tags; the alt text or the content stays.
        let attributes = if self.may_open(name, out, report) {
            let parent = self.parent().map(|open| open.name.clone());
            self.attributes(name, parent.as_deref(), tag.attrs, image, report)
        } else {
            None
        };
        let written = attributes.is_some();
        match attributes {
            Some(attributes) => {
                self.open(name, &attributes, out);
                if void {
                    out.push_str("/>");
                } else if tag.self_closing {
                    out.push_str(&format!("></{name}>"));
                } else {
                    out.push('>');
                }
            }
            _ if name == "img" => {
                let alt = attr(tag.attrs, "alt").unwrap_or("");
                self.write_text(alt, out, report);
            }
            _ => {}
        }
        if !void && !tag.self_closing {
            self.push(name, written);
        }
    }

    /// Whether `name` can be written here, closing elements HTML would
    /// close implicitly (`<p>` before `<p>`, `<li>` before `<li>`) and
    /// opening those it would imply (a `<tbody>`, a `<dt>`). When it
    /// cannot, its tags are dropped and that is reported.
    fn may_open(&mut self, name: &str, out: &mut String, report: &mut Report) -> bool {
        if self.written >= MAX_DEPTH {
            report.remove(format!("`<{name}>` nested too deeply (its text is kept)"));
            return false;
        }
        if name == "a" && (self.in_markdown_link || self.in_link()) {
            report.remove("`<a>` inside a link (its text is kept)".to_string());
            return false;
        }
        // How many elements would have to close first.
        let mut closes = 0;
        loop {
            let parent = self
                .stack
                .iter()
                .rev()
                .skip(closes)
                .find(|open| open.written);
            let allowed = match parent {
                Some(open) => may_contain(&open.name, name),
                None => match self.place {
                    Place::Block => may_contain("div", name),
                    Place::Inline => may_contain("span", name),
                },
            };
            if allowed {
                break;
            }
            let top = self.stack.iter().rev().nth(closes);
            let closable = top.is_some_and(|open| {
                open.depth == self.depth && (!open.written || AUTO_CLOSED.contains(&&*open.name))
            });
            if !closable {
                let context = match (parent, self.place) {
                    (Some(open), _) => format!("inside `<{}>`", open.name),
                    (None, Place::Inline) => "inside a paragraph".to_string(),
                    (None, Place::Block) => "outside its parent element".to_string(),
                };
                report.remove(format!(
                    "the tags of `<{name}>` {context} (its text is kept)"
                ));
                return false;
            }
            closes += 1;
        }
        for _ in 0..closes {
            self.pop(out);
        }
        match self
            .parent()
            .map_or(Fit::Yes, |parent| fit_order(parent, name))
        {
            Fit::Yes => true,
            Fit::Inside(wrapper) => {
                self.open(wrapper, "", out);
                out.push('>');
                self.push(wrapper, true);
                true
            }
            Fit::After(empty) => {
                self.open(empty, "", out);
                out.push_str(&format!("></{empty}>"));
                true
            }
            Fit::No => {
                let parent = self.parent().map_or("", |open| open.name.as_str());
                report.remove(format!(
                    "the tags of `<{name}>` out of order in `<{parent}>` (its text is kept)"
                ));
                false
            }
        }
    }

    fn end(&mut self, name: &str, out: &mut String, report: &mut Report) {
        if REMOVED_WITH_CONTENT.contains(&name) || VOID.contains(&name) {
            return;
        }
        if !PHRASING.contains(&name) && !FLOW.contains(&name) {
            report.escape(format!("`</{}>`", shorten(name)));
            self.write_text(&format!("</{name}>"), out, report);
            return;
        }
        // Only an element opened at this Markdown depth can be closed
        // here (those opened deeper were closed when their Markdown
        // element ended); anything opened after it closes with it.
        let found = self
            .stack
            .iter()
            .rposition(|open| open.depth == self.depth && open.name == name);
        match found {
            Some(at) => {
                while self.stack.len() > at {
                    self.pop(out);
                }
            }
            None => report.remove(format!("`</{name}>` that closes nothing")),
        }
    }

    /// Writes text, opening what the context needs first (text cannot
    /// stand directly in a list or a table row).
    fn write_text(&mut self, text: &str, out: &mut String, report: &mut Report) {
        if text.is_empty() {
            return;
        }
        if text.trim().is_empty() {
            // White space may stand anywhere, also between rows or items.
            push_text(out, text);
            return;
        }
        loop {
            let wrapper = match self.parent().map(|open| open.name.as_str()) {
                Some("ul" | "ol") => "li",
                Some("dl") => "dd",
                Some("table" | "thead" | "tbody" | "tfoot") => "tr",
                Some("tr") => "td",
                _ => break,
            };
            if !self.may_open(wrapper, out, report) {
                // Text after a table's foot, or nested too deeply: there
                // is no valid place for it.
                report.remove(format!("text out of place (`{}`)", shorten(text.trim())));
                return;
            }
            self.open(wrapper, "", out);
            out.push('>');
            self.push(wrapper, true);
        }
        if let Some(parent) = self.parent_mut() {
            parent.has_content = true;
        }
        push_text(out, text);
    }

    /// The checked attributes of an element that goes into `parent`,
    /// written out; `None` when the element itself cannot be kept (an
    /// image the book does not carry, a link without a web or e-mail
    /// address).
    fn attributes(
        &self,
        name: &str,
        parent: Option<&str>,
        attrs: &[(String, String)],
        image: &dyn Fn(&str) -> Option<String>,
        report: &mut Report,
    ) -> Option<String> {
        let mut out = String::new();
        let mut put = |key: &str, value: &str| {
            out.push(' ');
            out.push_str(key);
            out.push_str("=\"");
            push_attr(&mut out, value);
            out.push('"');
        };
        let mut seen: BTreeSet<&str> = BTreeSet::new();
        for (key, value) in attrs {
            // The first of two attributes with one name counts (as in
            // HTML); XML forbids the second.
            if !seen.insert(key.as_str()) {
                continue;
            }
            let kept = match (name, key.as_str()) {
                (_, "title") => {
                    put("title", value);
                    true
                }
                (_, "lang") if super::metadata::is_language_tag(value.trim()) => {
                    put("lang", value.trim());
                    put("xml:lang", value.trim());
                    true
                }
                (_, "dir") if matches!(value.trim(), "ltr" | "rtl" | "auto") => {
                    put("dir", value.trim());
                    true
                }
                ("ol", "start") if is_integer(value) => {
                    put(key, value.trim());
                    true
                }
                // Only an item of a numbered list has a number.
                ("li", "value") if is_integer(value) && parent == Some("ol") => {
                    put(key, value.trim());
                    true
                }
                ("ol", "reversed") => {
                    put("reversed", "reversed");
                    true
                }
                ("td" | "th", "colspan") if is_count(value, 1, 1000) => {
                    put(key, value.trim());
                    true
                }
                ("td" | "th", "rowspan") if is_count(value, 0, 65534) => {
                    put(key, value.trim());
                    true
                }
                ("th", "scope")
                    if matches!(value.trim(), "row" | "col" | "rowgroup" | "colgroup") =>
                {
                    put(key, value.trim());
                    true
                }
                ("img", "alt") => true,
                ("img", "src") => match image(value.trim()) {
                    Some(href) => {
                        put("src", &href);
                        true
                    }
                    None => {
                        report.remove(format!(
                            "`<img src=\"{}\">`: not an image of the book (its alt text is kept)",
                            shorten(value.trim())
                        ));
                        return None;
                    }
                },
                ("a", "href") => match web_address(value) {
                    Some(href) => {
                        put("href", &href);
                        true
                    }
                    None => {
                        report.remove(format!(
                            "the link to `{}` (its text is kept)",
                            shorten(value.trim())
                        ));
                        return None;
                    }
                },
                _ => false,
            };
            if !kept {
                report.remove(format!("the `{}` attribute", shorten(key)));
            }
        }
        match name {
            "img" if !seen.contains(&"src") => {
                report.remove("`<img>` without a source".to_string());
                return None;
            }
            "a" if !seen.contains(&"href") => {
                report.remove("`<a>` without an address (its text is kept)".to_string());
                return None;
            }
            _ => {}
        }
        if name == "img" {
            // Always an alt attribute: an empty one marks the image as
            // decorative, a missing one fails accessibility checks.
            put("alt", attr(attrs, "alt").unwrap_or("").trim());
        }
        Some(out)
    }
}

/// An open tag, as the tokenizer found it.
struct Tag<'a> {
    name: &'a str,
    attrs: &'a [(String, String)],
    self_closing: bool,
}

impl Tag<'_> {
    /// The tag as it reads in the source, near enough to be shown as text
    /// (the tokenizer keeps no source text: quotes and case may differ).
    fn as_written(&self) -> String {
        let mut tag = format!("<{}", self.name);
        for (key, value) in self.attrs {
            tag.push_str(&format!(" {key}=\"{value}\""));
        }
        tag.push_str(if self.self_closing { "/>" } else { ">" });
        tag
    }
}

/// Whether `child` may come next in `parent`, whose children must keep
/// an order: a table's caption, head, body (rows or row groups, not both)
/// and foot; a definition list's terms before their descriptions; a
/// figure's caption first.
fn fit_order(parent: &Open, child: &str) -> Fit {
    let has = |names: &[&str]| parent.children.iter().any(|c| names.contains(&c.as_str()));
    match (parent.name.as_str(), child) {
        ("table", "caption") if parent.children.is_empty() => Fit::Yes,
        ("table", "thead") if !has(&["thead", "tbody", "tr", "tfoot"]) => Fit::Yes,
        ("table", "tbody") if !has(&["tr", "tfoot"]) => Fit::Yes,
        ("table", "tr") if has(&["tfoot"]) => Fit::No,
        ("table", "tr") if has(&["tbody"]) => Fit::Inside("tbody"),
        ("table", "tr") => Fit::Yes,
        ("table", "tfoot") if !has(&["tfoot"]) => Fit::Yes,
        ("table", _) => Fit::No,
        ("dl", "dd") => match parent.children.last().map(String::as_str) {
            Some("dt" | "dd") => Fit::Yes,
            _ => Fit::After("dt"),
        },
        ("figure", "figcaption") if !parent.has_content => Fit::Yes,
        ("figure", "figcaption") => Fit::No,
        _ => Fit::Yes,
    }
}

/// A collapsible section (`<details>`) as a division, its `<summary>` as
/// a bold line: open, as on paper, since reading systems differ in
/// whether they can fold one, and the Markdown inside comes in blocks of
/// its own, after the block that opened the section has closed its
/// elements; any other element as it is.
fn always_open(name: &str) -> &str {
    match name {
        "details" => "div",
        "summary" => "strong",
        _ => name,
    }
}

/// Whether HTML allows element `child` directly inside `parent` (only
/// the allowed elements are known; text-level elements hold only text
/// and text-level elements).
fn may_contain(parent: &str, child: &str) -> bool {
    let phrasing = PHRASING.contains(&child);
    match parent {
        "ul" | "ol" => child == "li",
        "dl" => matches!(child, "dt" | "dd"),
        "table" => matches!(child, "caption" | "thead" | "tbody" | "tfoot" | "tr"),
        "thead" | "tbody" | "tfoot" => child == "tr",
        "tr" => matches!(child, "th" | "td"),
        "p" | "pre" | "caption" => phrasing,
        "figure" => phrasing || is_free_block(child) || child == "figcaption",
        "div" | "blockquote" | "li" | "dd" | "dt" | "td" | "th" | "figcaption" => {
            phrasing || is_free_block(child)
        }
        _ => phrasing,
    }
}

/// Block elements that can stand in any flow content (not those that
/// need a particular parent, like `<li>` or `<tr>`).
fn is_free_block(name: &str) -> bool {
    matches!(
        name,
        "blockquote" | "div" | "dl" | "figure" | "hr" | "ol" | "p" | "pre" | "table" | "ul"
    )
}

fn is_integer(value: &str) -> bool {
    let value = value.trim();
    let digits = value.strip_prefix('-').unwrap_or(value);
    !digits.is_empty() && digits.len() <= 9 && digits.bytes().all(|b| b.is_ascii_digit())
}

fn is_count(value: &str, min: u32, max: u32) -> bool {
    let value = value.trim();
    value.len() <= 5
        && value.bytes().all(|b| b.is_ascii_digit())
        && value.parse::<u32>().is_ok_and(|n| (min..=max).contains(&n))
}

/// At most 60 characters of `s`, on one line, for a message.
fn shorten(s: &str) -> String {
    let flat: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let mut short: String = flat.chars().take(60).collect();
    if flat.chars().count() > 60 {
        short.push('…');
    }
    short
}

#[cfg(test)]
mod tests {
    use super::*;

    fn image(url: &str) -> Option<String> {
        (url == "logo.png").then(|| "images/img-1.png".to_string())
    }

    /// Sanitises `html` at `place`; checks the result parses as XML.
    fn clean(html: &str, place: Place) -> (String, Report) {
        let mut writer = HtmlWriter::new(place);
        let mut out = String::new();
        let mut report = Report::default();
        writer.write(html, &image, &mut out, &mut report);
        writer.finish(&mut out);
        let wrapped = format!("<div xmlns=\"http://www.w3.org/1999/xhtml\">{out}</div>");
        if let Err(err) = roxmltree::Document::parse(&wrapped) {
            panic!("{err}: {out}");
        }
        (out, report)
    }

    fn block(html: &str) -> String {
        clean(html, Place::Block).0
    }

    #[test]
    fn harmless_elements_stay_as_xhtml() {
        assert_eq!(
            block("<P>Hej <B>du</B><BR>ny rad<hr></P>"),
            "<p>Hej <b>du</b><br/>ny rad</p><hr/>"
        );
        assert_eq!(
            block("<abbr title=\"Förenta nationerna\">FN</abbr> <sup>2</sup>"),
            "<abbr title=\"Förenta nationerna\">FN</abbr> <sup>2</sup>"
        );
        assert_eq!(
            block("<table><tr><th scope=col colspan=2>A</th></tr></table>"),
            "<table><tr><th scope=\"col\" colspan=\"2\">A</th></tr></table>"
        );
        assert_eq!(
            block("<span lang=en dir=ltr>word</span>"),
            "<span lang=\"en\" xml:lang=\"en\" dir=\"ltr\">word</span>"
        );
    }

    #[test]
    fn handlers_styles_and_unknown_attributes_go() {
        let (out, report) = clean(
            "<div class=\"x\" id=\"y\" onclick=\"evil()\" OnMouseOver='evil()' style=\"color:red\">Hej</div>",
            Place::Block,
        );
        assert_eq!(out, "<div>Hej</div>");
        for attribute in ["class", "id", "onclick", "onmouseover", "style"] {
            let note = format!("the `{attribute}` attribute");
            assert!(report.removed.contains(&note), "{report:?}");
        }
        let message = report.message().unwrap();
        assert!(
            message.starts_with("raw HTML in the EPUB: left out "),
            "{message}"
        );
    }

    #[test]
    fn scripts_and_styles_go_with_their_content() {
        let (out, report) = clean(
            "<p>a</p><script>if (a<b) alert(\"</p>\")</script><STYLE>p{}</STYLE><p>b</p>",
            Place::Block,
        );
        assert_eq!(out, "<p>a</p><p>b</p>");
        assert_eq!(
            report.removed,
            ["`<script>` with its content", "`<style>` with its content"]
        );
        // Unclosed: everything after it goes.
        assert_eq!(block("x<script>alert(1)"), "x");
    }

    #[test]
    fn other_elements_are_shown_as_text() {
        let (out, report) = clean(
            "<iframe src=\"https://evil.example\">x</iframe><svg><script>a()</script></svg>",
            Place::Block,
        );
        assert_eq!(
            out,
            "&lt;iframe src=\"https://evil.example\"&gt;x&lt;/iframe&gt;&lt;svg&gt;&lt;/svg&gt;"
        );
        assert_eq!(
            report.escaped,
            ["`<iframe>`", "`</iframe>`", "`<svg>`", "`</svg>`"]
        );
        for tag in [
            "object", "embed", "form", "input", "link", "meta", "base", "math", "blink",
        ] {
            let out = block(&format!("<{tag} data=\"x\">"));
            assert!(out.starts_with(&format!("&lt;{tag} ")), "{out}");
        }
    }

    #[test]
    fn only_book_images_and_web_links_survive() {
        assert_eq!(
            block("<img src=logo.png alt=\"L&auml;\" onerror=\"x()\" width=3>"),
            "<img src=\"images/img-1.png\" alt=\"Lä\"/>"
        );
        assert_eq!(
            block("<img src=logo.png>"),
            "<img src=\"images/img-1.png\" alt=\"\"/>"
        );
        for src in [
            "https://example.org/a.png",
            "javascript:alert(1)",
            "data:image/png;base64,AAAA",
            "vbscript:x",
            "missing.png",
        ] {
            let (out, report) = clean(&format!("<img src=\"{src}\" alt=\"alt\">"), Place::Block);
            assert_eq!(out, "alt", "{src}");
            assert!(report.removed[0].starts_with("`<img src="), "{report:?}");
        }
        assert_eq!(
            block("<a href=\"https://example.org/a b\" title=t>x</a>"),
            "<a href=\"https://example.org/a%20b\" title=\"t\">x</a>"
        );
        for href in [
            "javascript:alert(1)",
            " JaVaScRiPt:alert(1)",
            "java&#x09;script:alert(1)",
            "vbscript:x",
            "data:text/html,<script>",
            "#top",
            "file.html",
        ] {
            let out = block(&format!("<a href=\"{href}\">link</a>"));
            assert_eq!(out, "link", "{href}");
        }
    }

    #[test]
    fn unclosed_and_stray_tags_stay_balanced() {
        assert_eq!(
            block("<ul><li>one<li>two"),
            "<ul><li>one</li><li>two</li></ul>"
        );
        assert_eq!(block("<p>a<p>b"), "<p>a</p><p>b</p>");
        assert_eq!(block("<b><i>x</b>y</i>"), "<b><i>x</i></b>y");
        let (out, report) = clean("a</b>c</div>", Place::Block);
        assert_eq!(out, "ac");
        assert_eq!(
            report.removed,
            ["`</b>` that closes nothing", "`</div>` that closes nothing"]
        );
        assert_eq!(
            block("<table>oops<tr><td>1</td></tr></table>"),
            "<table><tr><td>oops</td></tr><tr><td>1</td></tr></table>"
        );
        assert_eq!(block("<ul>text</ul>"), "<ul><li>text</li></ul>");
        assert_eq!(
            block("<ol start=3><li value=5>a</ol><ul><li value=5>b</ul>"),
            "<ol start=\"3\"><li value=\"5\">a</li></ol><ul><li>b</li></ul>"
        );
        assert_eq!(block("<li>lonely</li>"), "lonely");
        assert_eq!(block("<span><div>x</div></span>"), "<span>x</span>");
    }

    #[test]
    fn nested_tables_keep_their_structure() {
        let html = "<table><thead><tr><th>h</th></tr></thead><tbody><tr><td>\
                    <table><tr><td>inner</td></tr></table></td><td>2</td></tr></tbody></table>";
        assert_eq!(block(html), html);
        // Rows and cells left open close in order.
        assert_eq!(
            block("<table><tr><td>a<td>b<tr><td>c</table>"),
            "<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>"
        );
    }

    #[test]
    fn ordered_children_keep_their_order() {
        // Rows after a row group go into a new one; a second head or a
        // late caption loses its tags.
        assert_eq!(
            block(
                "<table><tbody><tr><td>1</td></tr></tbody><tr><td>2</td></tr><thead><caption>c</table>"
            ),
            "<table><tbody><tr><td>1</td></tr></tbody><tbody><tr><td>2</td></tr></tbody>\
             <tbody><tr><td>c</td></tr></tbody></table>"
        );
        let (out, report) = clean(
            "<table><tfoot><tr><td>f</td></tr></tfoot><tr><td>x</td></tr></table>",
            Place::Block,
        );
        assert_eq!(out, "<table><tfoot><tr><td>f</td></tr></tfoot></table>");
        assert!(
            report
                .removed
                .contains(&"text out of place (`x`)".to_string())
        );
        // A description without a term gets an empty one; a term without
        // a description an empty one.
        assert_eq!(
            block("<dl><dd>d</dd><dt>t</dt></dl>"),
            "<dl><dt></dt><dd>d</dd><dt>t</dt><dd></dd></dl>"
        );
        assert_eq!(
            block("<figure>x<figcaption>late</figcaption></figure>"),
            "<figure>xlate</figure>"
        );
        assert_eq!(
            block("<figure><figcaption>first</figcaption>x</figure>"),
            "<figure><figcaption>first</figcaption>x</figure>"
        );
    }

    #[test]
    fn inline_html_keeps_to_text_level_elements() {
        let (out, report) = clean("<div>in a paragraph</div>", Place::Inline);
        assert_eq!(out, "in a paragraph");
        assert_eq!(
            report.removed,
            ["the tags of `<div>` inside a paragraph (its text is kept)"]
        );
        assert_eq!(clean("<q>x<p>y", Place::Inline).0, "<q>xy</q>");
    }

    #[test]
    fn fragments_close_where_their_markdown_element_ends() {
        // `<b>` opened inside emphasis, the `</b>` after it: the `<b>` is
        // closed with the emphasis, the stray close tag dropped.
        let mut writer = HtmlWriter::new(Place::Inline);
        let mut out = String::new();
        let mut report = Report::default();
        out.push_str("<em>");
        let was = writer.enter(false);
        writer.write("<b>", &image, &mut out, &mut report);
        out.push_str("bold");
        writer.leave(was, &mut out);
        out.push_str("</em>");
        writer.write("</b>", &image, &mut out, &mut report);
        writer.finish(&mut out);
        assert_eq!(out, "<em><b>bold</b></em>");
        assert_eq!(report.removed, ["`</b>` that closes nothing"]);

        // A `<script>` fragment hides the Markdown text up to its close tag.
        let mut writer = HtmlWriter::new(Place::Inline);
        writer.write("<script>", &image, &mut out, &mut report);
        assert!(writer.suppressing());
        writer.write("</script>", &image, &mut out, &mut report);
        assert!(!writer.suppressing());
    }

    #[test]
    fn deep_nesting_is_capped() {
        let html = "<b>".repeat(500) + "x";
        let out = block(&html);
        assert_eq!(out.matches("<b>").count(), MAX_DEPTH);
        assert_eq!(out.matches("</b>").count(), MAX_DEPTH);
    }

    #[test]
    fn hostile_input_takes_linear_time() {
        // Each of these took minutes before the tokenizer gave up on an
        // unterminated tag at once and the open elements were bounded.
        let start = std::time::Instant::now();
        for html in [
            "<a x=\"".repeat(30_000),
            "<a ".repeat(50_000),
            format!("<span>{}", "<div>".repeat(60_000)),
            format!("<ul>{}", "<li><b>".repeat(30_000)),
        ] {
            let (out, report) = clean(&html, Place::Block);
            assert!(out.len() <= html.len() * 2);
            assert!(report.message().is_none_or(|m| m.len() < 2_000));
        }
        assert!(start.elapsed().as_secs() < 20, "{:?}", start.elapsed());
    }

    #[test]
    fn text_is_escaped_and_references_decoded() {
        assert_eq!(block("a < b && c > d"), "a &lt; b &amp;&amp; c &gt; d");
        assert_eq!(
            block("&nbsp;&copy;&#233;&#xE9;&#0;&unknown;&amp;"),
            "\u{a0}©éé\u{fffd}&amp;unknown;&amp;"
        );
        assert_eq!(block("<!-- note --><!DOCTYPE html><?php x ?>ok"), "ok");
        // HTML (not XML): a CDATA section is a comment, and a tag the
        // input ends inside of is dropped, as browsers do.
        assert_eq!(block("<![CDATA[a<b]]>ok"), "ok");
        assert_eq!(block("ok<a href=\"x"), "ok");
        // Every named reference of HTML, not only the common ones.
        assert_eq!(
            block("&eacute;&hellip;&frac12;&NotEqualTilde;&copy"),
            "é…½\u{2242}\u{338}©"
        );
    }

    #[test]
    fn text_after_a_tag_may_start_with_any_letter() {
        // The hand-written tokenizer cut `Å` in two here and panicked.
        assert_eq!(
            block("<p>Åsa och Örjan</p><b>ÅÄÖ</b>"),
            "<p>Åsa och Örjan</p><b>ÅÄÖ</b>"
        );
        assert_eq!(block("a <\u{1F600} b"), "a &lt;\u{1F600} b");
    }
}
