//! Page breaking: the flow cut into pages, plus the cover and the footers.

use super::flow::{Element, Flow, end_with_space};
use super::shape::Shaper;
use super::structure::{Role, Structure, Tag};
use super::style::Theme;
use super::text::{LineOptions, Piece, Style, break_lines};
use super::{Item, OutlineEntry, Page, Rect, TextRun};
use crate::assets::Assets;
use crate::fonts::FaceRole;
use crate::model::{Document, plain_text};
use std::collections::{BTreeMap, BTreeSet};

/// Cuts the flow into pages after a cover page.
pub fn paginate(
    doc: &Document,
    assets: &Assets,
    theme: &Theme,
    shaper: &mut Shaper,
    flow: Flow,
    stats: super::Stats,
) -> super::Pages {
    let Flow {
        mut elements,
        notes,
        mut structure,
        ..
    } = flow;
    let cover = cover_page(doc, assets, theme, shaper, &mut structure);
    let mut paginator = Paginator {
        theme,
        notes: &notes,
        pages: vec![cover],
        page: Page::default(),
        y: theme.margin_top,
        notes_on_page: Vec::new(),
        notes_height: 0.0,
        placed_notes: BTreeSet::new(),
        anchors: BTreeMap::new(),
        outline: Vec::new(),
        stats,
        page_starts: Vec::new(),
    };
    let mut i = 0;
    while i < elements.len() {
        // On a fresh page an element is placed whatever its height (a
        // table row taller than the page): finishing the page again would
        // give the next the same problem, for ever. The repeated header
        // of a table does not make the page less fresh.
        let fresh = paginator.at_top();
        // A table continued from the last page repeats its header row.
        if paginator.at_top()
            && let Some(header) = &elements[i].header
        {
            // Read once, in its place: the repeat is an artifact of
            // pagination (ISO 32000-1, 14.8.2.2.2).
            let mut repeat = (**header).clone();
            for item in &mut repeat.items {
                mark_artifact(item);
            }
            paginator.place(&mut repeat);
        }
        // The chain: this element and all that must stay with it.
        let mut chain_end = i;
        while chain_end + 1 < elements.len()
            && elements[chain_end].keep_with_next
            && chain_end - i < 8
        {
            chain_end += 1;
        }
        let at_top = paginator.at_top();
        let chain = &elements[i..=chain_end];
        let chain_height: f32 = chain
            .iter()
            .enumerate()
            .map(|(k, e)| if k == 0 && at_top { 0.0 } else { e.space_before } + e.height)
            .sum();
        let chain_notes: Vec<usize> = chain.iter().flat_map(|e| e.notes.iter().copied()).collect();
        let room = paginator.room(&chain_notes);
        if !fresh && paginator.y + chain_height > room + 0.01 {
            if chain_end > i {
                paginator.stats.keeps += 1;
            }
            paginator.finish_page();
            continue;
        }
        // Place the chain's first element (the rest follow in turn).
        let element = &mut elements[i];
        let space = if at_top { 0.0 } else { element.space_before };
        if !fresh && paginator.y + space + element.height > paginator.room(&element.notes) + 0.01 {
            paginator.finish_page();
            continue;
        }
        paginator.y += space;
        if paginator.page_starts.len() < paginator.pages.len()
            && let Some(origin) = element.origin
        {
            // The first body element of this page (a repeated table head
            // does not count: it was placed before).
            paginator
                .page_starts
                .push((paginator.pages.len() + 1, origin));
        }
        paginator.place(element);
        i += 1;
    }
    if !paginator.page.items.is_empty() || !paginator.notes_on_page.is_empty() {
        paginator.finish_page();
    }

    let Paginator {
        mut pages,
        outline,
        anchors,
        stats,
        page_starts,
        ..
    } = paginator;
    for (index, page) in pages.iter_mut().enumerate().skip(1) {
        let number = index + 1;
        page.number = Some(number);
        let footer = footer_run(&number.to_string(), theme, shaper);
        page.items.push(Item::Text(footer));
    }

    super::Pages {
        width: theme.page_width,
        height: theme.page_height,
        pages,
        outline,
        anchors,
        stats,
        page_starts,
        structure,
    }
}

/// Makes an item an artifact: not read, not in the structure.
fn mark_artifact(item: &mut Item) {
    match item {
        Item::Text(TextRun { tag, .. }) | Item::Image { tag, .. } | Item::Link { tag, .. } => {
            *tag = Tag::Artifact
        }
        Item::Line { .. } => {}
    }
}

/// The state of page breaking: the page being filled and its footnotes.
struct Paginator<'a> {
    theme: &'a Theme,
    notes: &'a BTreeMap<usize, Vec<Element>>,
    pages: Vec<Page>,
    page: Page,
    /// Where the next element goes.
    y: f32,
    /// Footnotes that go at the foot of this page, in order.
    notes_on_page: Vec<usize>,
    /// Their height, with the separator rule above them.
    notes_height: f32,
    placed_notes: BTreeSet<usize>,
    anchors: BTreeMap<String, (usize, f32)>,
    outline: Vec<OutlineEntry>,
    stats: super::Stats,
    page_starts: Vec<(usize, super::PageAnchor)>,
}

impl Paginator<'_> {
    fn at_top(&self) -> bool {
        self.page.items.is_empty() && self.y == self.theme.margin_top
    }

    /// The space between the rule and the first note.
    fn separator(&self) -> f32 {
        self.theme.leading * 0.8
    }

    fn note_height(&self, number: usize) -> f32 {
        self.notes.get(&number).map_or(0.0, |elements| {
            elements
                .iter()
                .enumerate()
                .map(|(k, e)| if k == 0 { 0.0 } else { e.space_before } + e.height)
                .sum()
        })
    }

    /// The lowest y the text may reach if elements that refer to `notes`
    /// join this page.
    fn room(&self, notes: &[usize]) -> f32 {
        let mut extra = 0.0;
        let mut counted = BTreeSet::new();
        for &n in notes {
            if self.notes.contains_key(&n) && !self.placed_notes.contains(&n) && counted.insert(n) {
                extra += self.note_height(n);
            }
        }
        if extra > 0.0 && self.notes_on_page.is_empty() {
            extra += self.separator();
        }
        self.theme.block_bottom() - self.notes_height - extra
    }

    /// Puts an element at the current y and takes its footnotes along.
    /// Its items move to the page: each element is placed once.
    fn place(&mut self, element: &mut Element) {
        let index = self.pages.len();
        for anchor in &element.anchors {
            self.anchors
                .entry(anchor.clone())
                .or_insert((index, self.y));
        }
        if let Some((level, title, id)) = &element.outline {
            self.outline.push(OutlineEntry {
                level: *level,
                title: title.clone(),
                id: id.clone(),
                page: index,
                y: self.y,
            });
        }
        let y = self.y;
        self.page.items.extend(
            std::mem::take(&mut element.items)
                .into_iter()
                .map(|item| item.translated(0.0, y)),
        );
        self.y += element.height;
        for &n in &element.notes {
            if self.notes.contains_key(&n) && self.placed_notes.insert(n) {
                if self.notes_on_page.is_empty() {
                    self.notes_height += self.separator();
                }
                self.notes_height += self.note_height(n);
                self.notes_on_page.push(n);
            }
        }
    }

    /// Sets the page's footnotes at its foot and starts a new page.
    fn finish_page(&mut self) {
        if !self.notes_on_page.is_empty() {
            let theme = self.theme;
            let mut y = theme.block_bottom() - self.notes_height + self.separator();
            let rule_y = y - self.separator() * 0.6;
            self.page.items.push(Item::Line {
                from: (theme.margin_left, rule_y),
                to: (theme.margin_left + theme.measure * 0.3, rule_y),
                width: 0.4,
                gray: 0.0,
            });
            let index = self.pages.len();
            for n in std::mem::take(&mut self.notes_on_page) {
                for (k, element) in self.notes[&n].iter().enumerate() {
                    if k > 0 {
                        y += element.space_before;
                    }
                    for anchor in &element.anchors {
                        self.anchors.entry(anchor.clone()).or_insert((index, y));
                    }
                    self.page.items.extend(
                        element
                            .items
                            .iter()
                            .cloned()
                            .map(|item| item.translated(0.0, y)),
                    );
                    y += element.height;
                }
            }
        }
        self.pages.push(std::mem::take(&mut self.page));
        self.y = self.theme.margin_top;
        self.notes_height = 0.0;
    }
}

fn footer_run(text: &str, theme: &Theme, shaper: &mut Shaper) -> TextRun {
    let size = theme.small_size;
    let shaped = shaper.shape(FaceRole::Sans, text);
    let width = shaped.width * size;
    TextRun {
        x: theme.page_width / 2.0 - width / 2.0,
        y: theme.footer_baseline,
        face: FaceRole::Sans,
        size,
        gray: 0.0,
        hscale: 1.0,
        glyphs: shaped.placed(size),
        // Page numbers are pagination artifacts (ISO 32000-1, 14.8.2.2.2).
        tag: Tag::Artifact,
    }
}

/// Sets centred lines of text from `y` down; returns the new y. Lines
/// that would stand below the text block are left out: a title of a
/// thousand words must not run off the cover (the body still has it).
fn centred(
    text: &str,
    style: Style,
    leading: f32,
    y: f32,
    theme: &Theme,
    shaper: &mut Shaper,
    items: &mut Vec<Item>,
) -> f32 {
    let bottom = theme.page_height - theme.margin_top;
    let pieces = vec![Piece {
        text: text.to_string(),
        style,
    }];
    let lines = break_lines(
        &pieces,
        shaper,
        &LineOptions {
            width: theme.measure,
            first_indent: 0.0,
            justify: false,
            hyphenate: false,
            verbatim: false,
        },
    );
    let mut y = y;
    let count = lines.len();
    for (i, mut line) in lines.into_iter().enumerate() {
        if i + 1 < count {
            end_with_space(&mut line, shaper);
        }
        let dx = theme.margin_left + (theme.measure - line.width) / 2.0;
        if y + leading > bottom {
            break;
        }
        y += leading;
        for item in line.items {
            if let Item::Text(mut run) = item {
                run.x += dx;
                run.y += y;
                items.push(Item::Text(run));
            }
        }
    }
    y
}

/// The cover: banner, title, subtitle, place and date, publisher. Its
/// structure is a section, first in the document.
fn cover_page(
    doc: &Document,
    assets: &Assets,
    theme: &Theme,
    shaper: &mut Shaper,
    structure: &mut Structure,
) -> Page {
    let section = structure.add_detached(Role::Section);
    structure.insert(Structure::ROOT, 0, section);
    let mut items = Vec::new();
    let mut y = theme.margin_top;
    if let Some(cover) = &doc.cover
        && let Some(asset) = assets.get(&cover.url)
    {
        let tag = if cover.alt.trim().is_empty() {
            Tag::Artifact
        } else {
            let figure = structure.add(section, Role::Figure);
            structure.nodes[figure].alt = Some(cover.alt.clone());
            Tag::Node(figure)
        };
        let (w, h) = asset.natural_size_pt();
        let max_w = theme.page_width - theme.margin_left;
        let scale = (max_w / w).min(theme.page_height * 0.45 / h);
        let (w, h) = (w * scale, h * scale);
        items.push(Item::Image {
            url: cover.url.clone(),
            rect: Rect {
                x: (theme.page_width - w) / 2.0,
                y,
                w,
                h,
            },
            alt: cover.alt.clone(),
            tag,
        });
        y += h + theme.leading * 2.0;
    } else {
        y += theme.page_height * 0.2;
    }

    let mut style = |face, size| Style {
        face,
        size,
        rise: 0.0,
        gray: 0.0,
        link: None,
        strike: false,
        image: None,
        tag: Tag::Node(structure.add(section, Role::Paragraph)),
        hyphenation: None,
    };
    let title_size = theme.body_size * 2.4;
    y = centred(
        &plain_text(&doc.meta.title),
        style(FaceRole::Heading, title_size),
        title_size * 1.15,
        y,
        theme,
        shaper,
        &mut items,
    );
    if !doc.meta.subtitle.is_empty() {
        let size = theme.body_size * 1.3;
        y += size * 0.5;
        y = centred(
            &plain_text(&doc.meta.subtitle),
            style(FaceRole::Sans, size),
            size * 1.3,
            y,
            theme,
            shaper,
            &mut items,
        );
    }
    let mut place_date = Vec::new();
    if let Some(place) = &doc.meta.place {
        place_date.push(place.clone());
    }
    if let Some(date) = &doc.meta.date {
        place_date.push(format_date(date, &doc.meta.lang));
    }
    if !place_date.is_empty() {
        let size = theme.body_size * 1.1;
        y += size;
        centred(
            &place_date.join(" · "),
            style(FaceRole::Italic, size),
            size * 1.3,
            y,
            theme,
            shaper,
            &mut items,
        );
    }
    if let Some(publisher) = &doc.meta.publisher {
        centred(
            publisher,
            style(FaceRole::Sans, theme.body_size),
            theme.leading,
            theme.block_bottom() - theme.leading,
            theme,
            shaper,
            &mut items,
        );
    }
    Page {
        items,
        number: None,
    }
}

/// Writes a `YYYY-MM-DD` date the way the document's language does.
pub fn format_date(date: &str, lang: &str) -> String {
    let parts: Vec<&str> = date.split('-').collect();
    let [year, month, day] = parts[..] else {
        return date.to_string();
    };
    let (Ok(month), Ok(day)) = (month.parse::<usize>(), day.parse::<u32>()) else {
        return date.to_string();
    };
    const SV: [&str; 12] = [
        "januari",
        "februari",
        "mars",
        "april",
        "maj",
        "juni",
        "juli",
        "augusti",
        "september",
        "oktober",
        "november",
        "december",
    ];
    const EN: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let Some(index) = month.checked_sub(1).filter(|m| *m < 12) else {
        return date.to_string();
    };
    // French, Spanish and Russian as their style guides write dates
    // (Imprimerie nationale: « 1er septembre »; RAE: « 20 de septiembre
    // de 2010 »; Russian months in the genitive, « 2010 г. »).
    let month_of = |names: &'static str| names.split(' ').nth(index).unwrap_or("");
    match lang.split('-').next().unwrap_or("") {
        "sv" => format!("{day} {} {year}", SV[index]),
        "fr" => {
            let names = "janvier février mars avril mai juin juillet août septembre octobre novembre décembre";
            let day = if day == 1 {
                "1er".into()
            } else {
                day.to_string()
            };
            format!("{day} {} {year}", month_of(names))
        }
        "es" => {
            let names = "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre";
            format!("{day} de {} de {year}", month_of(names))
        }
        "ru" => {
            let names =
                "января февраля марта апреля мая июня июля августа сентября октября ноября декабря";
            format!("{day} {} {year}\u{a0}г.", month_of(names))
        }
        // The UN's Arabic writes each month by both its names, the
        // Levantine and the one from the Latin calendar.
        "ar" => {
            const AR: [&str; 12] = [
                "كانون الثاني/يناير",
                "شباط/فبراير",
                "آذار/مارس",
                "نيسان/أبريل",
                "أيار/مايو",
                "حزيران/يونيه",
                "تموز/يوليه",
                "آب/أغسطس",
                "أيلول/سبتمبر",
                "تشرين الأول/أكتوبر",
                "تشرين الثاني/نوفمبر",
                "كانون الأول/ديسمبر",
            ];
            format!("{day} {} {year}", AR[index])
        }
        "zh" => format!("{year}年{}月{day}日", index + 1),
        _ => format!("{day} {} {year}", EN[index]),
    }
}

/// Inserts a table of contents after the cover: the headings of levels 1
/// and 2 with their page numbers, each a link. Pages after it move down,
/// so page numbers are those of the finished document.
pub fn insert_toc(pages: &mut super::Pages, theme: &Theme, shaper: &mut Shaper, lang: &str) {
    let entries: Vec<OutlineEntry> = pages
        .outline
        .iter()
        .filter(|e| e.level <= 2)
        .cloned()
        .collect();
    if entries.is_empty() {
        return;
    }
    let title = crate::strings::Strings::for_lang(lang).contents;
    // The page numbers printed depend on how many pages the contents
    // take, and that on how the titles wrap: set them until the count
    // holds (twice in practice).
    let mut toc_pages = 1;
    for _ in 0..4 {
        let count = set_toc(None, &entries, toc_pages, title, lang, theme, shaper).len();
        if count == toc_pages {
            break;
        }
        toc_pages = count;
    }
    let new_pages = set_toc(
        Some(&mut pages.structure),
        &entries,
        toc_pages,
        title,
        lang,
        theme,
        shaper,
    );
    let added = new_pages.len();

    for entry in &mut pages.outline {
        entry.page += added;
    }
    for (number, _) in &mut pages.page_starts {
        *number += added;
    }
    for (page, _) in pages.anchors.values_mut() {
        if *page >= 1 {
            *page += added;
        }
    }
    // Renumber: the footers were set for the old order.
    let mut rest = pages.pages.split_off(1);
    for page in &mut rest {
        page.items
            .retain(|item| !matches!(item, Item::Text(run) if run.y == theme.footer_baseline));
    }
    pages.pages.extend(new_pages);
    pages.pages.extend(rest);
    pages.anchors.insert("toc".into(), (1, theme.margin_top));
    for (index, page) in pages.pages.iter_mut().enumerate().skip(1) {
        let number = index + 1;
        page.number = Some(number);
        page.items
            .retain(|item| !matches!(item, Item::Text(run) if run.y == theme.footer_baseline));
        page.items
            .push(Item::Text(footer_run(&number.to_string(), theme, shaper)));
    }
}

/// Sets the contents pages for `toc_pages` pages of contents: each
/// entry's title wraps with a hanging indent, its page number on its last
/// line, the whole entry one link. In a right-to-left language all of it
/// is mirrored: titles flush right, indents from the right, page numbers
/// at the left. Without a structure tree to add to, a trial run that
/// only tells how many pages the contents take.
fn set_toc(
    mut structure: Option<&mut Structure>,
    entries: &[OutlineEntry],
    toc_pages: usize,
    title: &str,
    lang: &str,
    theme: &Theme,
    shaper: &mut Shaper,
) -> Vec<Page> {
    let rtl = crate::model::is_rtl(lang);
    let (left, right) = (theme.margin_left, theme.margin_left + theme.measure);
    let leading = theme.leading * 1.2;
    let title_size = theme.heading_sizes[0];
    let style = |face, size, tag| Style {
        face,
        size,
        rise: 0.0,
        gray: 0.0,
        link: None,
        strike: false,
        image: None,
        tag,
        hyphenation: None,
    };
    // Section › H1 and TOC › TOCI › Link, after the cover's section.
    let mut add = |parent: Option<usize>, role: Role| match structure.as_deref_mut() {
        Some(structure) => match parent {
            Some(parent) => Some(structure.add(parent, role)),
            None => {
                let section = structure.add_detached(role);
                structure.insert(Structure::ROOT, 1, section);
                Some(section)
            }
        },
        None => None,
    };
    let tag = |node: Option<usize>| node.map_or(Tag::Artifact, Tag::Node);
    let section = add(None, Role::Section);
    let heading = section.and_then(|s| add(Some(s), Role::Heading(1)));
    let contents = section.and_then(|s| add(Some(s), Role::Contents));
    let mut new_pages: Vec<Page> = Vec::with_capacity(toc_pages);
    let mut page = Page::default();
    let mut y = theme.margin_top;
    // The title through the line breaker, which sets each character in a
    // face that has it (an Arabic or Chinese title in the heading face
    // alone printed as boxes).
    let title_lines = break_lines(
        &[Piece {
            text: title.to_string(),
            style: style(FaceRole::Heading, title_size, tag(heading)),
        }],
        shaper,
        &LineOptions {
            width: theme.measure,
            first_indent: 0.0,
            justify: false,
            hyphenate: false,
            verbatim: false,
        },
    );
    for (i, line) in title_lines.into_iter().enumerate() {
        y += if i == 0 { title_size } else { title_size * 1.2 };
        // A right-to-left line comes flush right in the measure already.
        let x = if rtl && !line.rtl {
            right - line.width
        } else {
            left
        };
        page.items
            .extend(line.items.into_iter().map(|item| item.translated(x, y)));
    }
    y += title_size * 1.5 - title_size;
    let hang = theme.indent;
    for entry in entries {
        let indent = if entry.level == 1 { 0.0 } else { theme.indent };
        let face = if entry.level == 1 {
            FaceRole::Regular
        } else {
            FaceRole::Italic
        };
        let item = contents.and_then(|c| add(Some(c), Role::ContentsItem));
        let link = tag(item.and_then(|i| add(Some(i), Role::Link)));
        let number = (entry.page + toc_pages + 1).to_string();
        let shaped = shaper.shape(FaceRole::Regular, &number);
        let number_width = shaped.width * theme.body_size;
        // Lines keep clear of the page number; the second and later hang.
        let room = theme.measure - indent - hang - number_width - theme.indent;
        let width = room.max(theme.measure * 0.3);
        let lines = break_lines(
            &[Piece {
                text: entry.title.clone(),
                style: style(face, theme.body_size, link),
            }],
            shaper,
            &LineOptions {
                width,
                first_indent: 0.0,
                justify: false,
                hyphenate: false,
                verbatim: false,
            },
        );
        let count = lines.len().max(1);
        // An entry is never split across pages.
        if y + leading * count as f32 > theme.block_bottom() {
            new_pages.push(std::mem::take(&mut page));
            y = theme.margin_top;
        }
        let top = y;
        for (i, mut line) in lines.into_iter().enumerate() {
            let baseline = y + leading * 0.78;
            // Lines, and title and number, read as words.
            line.ends_at_space = true;
            end_with_space(&mut line, shaper);
            let inset = indent + if i == 0 { 0.0 } else { hang };
            // Flush right in a right-to-left book: a right-to-left line
            // comes flush right in its width (its width is all of it), a
            // left-to-right one (a Latin title) ends at its width.
            let x = if rtl {
                right - inset - line.width
            } else {
                left + inset
            };
            for item in line.items {
                if let Item::Text(mut run) = item {
                    run.x += x;
                    run.y += baseline;
                    page.items.push(Item::Text(run));
                }
            }
            if i + 1 < count {
                y += leading;
            }
        }
        place_line(
            &number,
            style(FaceRole::Regular, theme.body_size, link),
            if rtl { left } else { right - number_width },
            y + leading * 0.78,
            shaper,
            &mut page.items,
        );
        y += leading;
        page.items.push(Item::Link {
            rect: Rect {
                x: if rtl { left } else { left + indent },
                y: top,
                w: theme.measure - indent,
                h: y - top,
            },
            target: super::LinkTarget::Anchor(entry.id.clone()),
            tag: link,
        });
    }
    new_pages.push(page);
    new_pages
}

/// Sets one run of text with its pen at (x, baseline); returns the baseline.
fn place_line(
    text: &str,
    style: Style,
    x: f32,
    baseline: f32,
    shaper: &mut Shaper,
    items: &mut Vec<Item>,
) -> f32 {
    let shaped = shaper.shape(style.face, text);
    items.push(Item::Text(TextRun {
        x,
        y: baseline,
        face: style.face,
        size: style.size,
        gray: 0.0,
        hscale: 1.0,
        glyphs: shaped.placed(style.size),
        tag: style.tag,
    }));
    baseline
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_the_documents_language() {
        assert_eq!(format_date("2010-09-20", "sv"), "20 september 2010");
        assert_eq!(format_date("2010-09-20", "en"), "20 September 2010");
        assert_eq!(format_date("hösten", "sv"), "hösten");
        assert_eq!(format_date("2010-09-01", "fr"), "1er septembre 2010");
        assert_eq!(format_date("2010-09-20", "es"), "20 de septiembre de 2010");
        assert_eq!(format_date("2010-09-20", "ru"), "20 сентября 2010\u{a0}г.");
        assert_eq!(format_date("2010-09-20", "ar"), "20 أيلول/سبتمبر 2010");
        assert_eq!(format_date("2010-09-20", "zh-Hans"), "2010年9月20日");
    }

    use crate::fonts::FontSet;

    /// A line of body text: one run whose text says which line it is.
    fn line(name: &str, theme: &Theme) -> Element {
        Element {
            height: theme.leading,
            items: vec![Item::Text(TextRun {
                x: theme.margin_left,
                y: theme.leading * 0.78,
                face: FaceRole::Regular,
                size: theme.body_size,
                gray: 0.0,
                hscale: 1.0,
                tag: Default::default(),
                glyphs: vec![super::super::PlacedGlyph {
                    id: 1,
                    advance: 5.0,
                    rise: 0.0,
                    text: name.into(),
                }],
            })],
            ..Element::default()
        }
    }

    /// A paragraph of `n` lines with the widow and orphan chains that
    /// flow.rs gives paragraphs.
    fn paragraph(name: &str, n: usize, theme: &Theme) -> Vec<Element> {
        (0..n)
            .map(|i| Element {
                keep_with_next: n > 1 && (i == 0 || i + 2 == n),
                ..line(&format!("{name}{i}"), theme)
            })
            .collect()
    }

    /// Lays out a flow and lists, per page, the texts on it (no footers).
    fn pages_of(flow: Flow) -> (Vec<Vec<String>>, super::super::Pages) {
        let theme = Theme::for_paper(super::super::Paper::A5);
        let fonts = FontSet::built_in();
        let mut shaper = Shaper::new(&fonts);
        let pages = paginate(
            &Document::default(),
            &Assets::default(),
            &theme,
            &mut shaper,
            flow,
            super::super::Stats::default(),
        );
        let texts = pages.pages[1..]
            .iter()
            .map(|page| {
                page.items
                    .iter()
                    .filter_map(|item| match item {
                        Item::Text(run) if run.y != theme.footer_baseline => Some(run.text()),
                        _ => None,
                    })
                    .collect()
            })
            .collect();
        (texts, pages)
    }

    fn lines_per_page() -> usize {
        let theme = Theme::for_paper(super::super::Paper::A5);
        (theme.block_height / theme.leading).round() as usize
    }

    #[test]
    fn a_page_holds_whole_lines_and_breaks_after_the_last() {
        let theme = Theme::for_paper(super::super::Paper::A5);
        let n = lines_per_page();
        let flow = Flow {
            elements: (0..n + 1).map(|i| line(&format!("l{i}"), &theme)).collect(),
            ..Flow::default()
        };
        let (pages, _) = pages_of(flow);
        assert_eq!(pages.len(), 2);
        assert_eq!(pages[0].len(), n);
        assert_eq!(pages[1], ["l".to_string() + &n.to_string()]);
    }

    #[test]
    fn no_orphan_first_line_at_the_foot_of_a_page() {
        let theme = Theme::for_paper(super::super::Paper::A5);
        let n = lines_per_page();
        // n - 1 single lines leave room for one: the paragraph's first
        // line alone would be an orphan, so it goes over with the next.
        let mut elements: Vec<Element> =
            (0..n - 1).map(|i| line(&format!("l{i}"), &theme)).collect();
        elements.extend(paragraph("p", 5, &theme));
        let (pages, _) = pages_of(Flow {
            elements,
            ..Flow::default()
        });
        assert_eq!(pages[0].len(), n - 1);
        assert_eq!(pages[1][0], "p0");
    }

    #[test]
    fn no_widow_last_line_at_the_top_of_a_page() {
        let theme = Theme::for_paper(super::super::Paper::A5);
        let n = lines_per_page();
        // A paragraph one line longer than the page would leave its last
        // line alone on the next page: the last two go over together.
        let (pages, _) = pages_of(Flow {
            elements: paragraph("p", n + 1, &theme),
            ..Flow::default()
        });
        assert_eq!(pages[1].len(), 2, "{:?}", pages[1]);
        assert_eq!(pages[0].len(), n - 1);
    }

    #[test]
    fn a_heading_is_kept_with_the_start_of_its_text() {
        let theme = Theme::for_paper(super::super::Paper::A5);
        let n = lines_per_page();
        let mut elements: Vec<Element> =
            (0..n - 2).map(|i| line(&format!("l{i}"), &theme)).collect();
        elements.push(Element {
            keep_with_next: true,
            ..line("heading", &theme)
        });
        elements.extend(paragraph("p", 4, &theme));
        let (pages, _) = pages_of(Flow {
            elements,
            ..Flow::default()
        });
        assert!(!pages[0].contains(&"heading".to_string()));
        assert_eq!(pages[1][0], "heading");
        assert_eq!(pages[1][1], "p0");
    }

    #[test]
    fn a_footnote_lands_on_the_page_of_its_reference() {
        let theme = Theme::for_paper(super::super::Paper::A5);
        let n = lines_per_page();
        let mut elements: Vec<Element> =
            (0..n - 2).map(|i| line(&format!("l{i}"), &theme)).collect();
        // This line refers to a three-line note: with it, it no longer fits.
        elements.push(Element {
            notes: vec![1],
            anchors: vec!["fnref-1".into()],
            ..line("ref", &theme)
        });
        let mut note = paragraph("note", 3, &theme);
        note[0].anchors.push("fn-1".into());
        let mut notes = BTreeMap::new();
        notes.insert(1, note);
        let (pages, laid_out) = pages_of(Flow {
            elements,
            notes,
            ..Flow::default()
        });
        assert!(pages[1].contains(&"ref".to_string()));
        assert!(pages[1].contains(&"note0".to_string()));
        assert_eq!(laid_out.anchors["fn-1"].0, laid_out.anchors["fnref-1"].0);
        // The note sits below the text, at the foot of the block.
        let (_, note_y) = laid_out.anchors["fn-1"];
        let (_, ref_y) = laid_out.anchors["fnref-1"];
        assert!(note_y > ref_y);
        assert!(note_y + 3.0 * theme.leading <= theme.block_bottom() + 0.01);
    }

    #[test]
    fn a_long_table_repeats_its_header_on_every_page() {
        let theme = Theme::for_paper(super::super::Paper::A5);
        let header = Element {
            keep_with_next: true,
            ..line("header", &theme)
        };
        let mut elements = vec![header.clone()];
        for i in 0..100 {
            elements.push(Element {
                header: Some(Box::new(Element {
                    keep_with_next: false,
                    ..header.clone()
                })),
                ..line(&format!("row{i}"), &theme)
            });
        }
        let (pages, _) = pages_of(Flow {
            elements,
            ..Flow::default()
        });
        assert!(pages.len() >= 3);
        for page in &pages {
            assert_eq!(page[0], "header");
            assert_eq!(page.iter().filter(|t| *t == "header").count(), 1);
        }
        let rows: usize = pages.iter().map(|p| p.len() - 1).sum();
        assert_eq!(rows, 100, "every row once");
    }
}
