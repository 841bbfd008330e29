//! Page breaking: the flow cut into pages, plus the cover and the footers.

use super::flow::Element;
use super::shape::Shaper;
use super::style::Theme;
use super::text::{LineOptions, Piece, Style, break_lines};
use super::{Item, OutlineEntry, Page, PlacedGlyph, Rect, TextRun};
use crate::assets::Assets;
use crate::fonts::FaceRole;
use crate::model::{Document, plain_text};
use std::collections::BTreeMap;

/// Cuts the flow into pages after a cover page.
pub fn paginate(
    doc: &Document,
    assets: &Assets,
    theme: &Theme,
    shaper: &mut Shaper,
    flow: Vec<Element>,
    mut stats: super::Stats,
) -> super::Pages {
    let mut pages = vec![cover_page(doc, assets, theme, shaper)];
    let mut outline = Vec::new();
    let mut anchors = BTreeMap::new();

    let top = theme.margin_top;
    let bottom = theme.block_bottom();
    let mut page = Page::default();
    let mut y = top;
    let mut i = 0;
    while i < flow.len() {
        // The chain: this element and all that must stay with it.
        let mut chain_end = i;
        while chain_end + 1 < flow.len() && flow[chain_end].keep_with_next && chain_end - i < 8 {
            chain_end += 1;
        }
        let at_top = page.items.is_empty() && y == top;
        let space = |e: &Element, first: bool, at_top: bool| {
            if first && at_top { 0.0 } else { e.space_before }
        };
        let chain_height: f32 = flow[i..=chain_end]
            .iter()
            .enumerate()
            .map(|(k, e)| space(e, k == 0, at_top) + e.height)
            .sum();
        if !at_top && y + chain_height > bottom + 0.01 {
            if chain_end > i {
                stats.keeps += 1;
            }
            pages.push(std::mem::take(&mut page));
            y = top;
            continue;
        }
        // Place the chain's first element (the rest follow in turn).
        let element = &flow[i];
        let at_top = page.items.is_empty() && y == top;
        if !at_top {
            y += element.space_before;
        }
        if !at_top && y + element.height > bottom + 0.01 {
            pages.push(std::mem::take(&mut page));
            y = top;
        }
        let index = pages.len();
        for anchor in &element.anchors {
            anchors.insert(anchor.clone(), (index, y));
        }
        if let Some((level, title)) = &element.outline {
            outline.push(OutlineEntry {
                level: *level,
                title: title.clone(),
                page: index,
                y,
            });
        }
        page.items
            .extend(element.items.iter().cloned().map(|item| shift(item, y)));
        y += element.height;
        i += 1;
    }
    if !page.items.is_empty() {
        pages.push(page);
    }

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
    }
}

fn shift(item: Item, dy: f32) -> Item {
    match item {
        Item::Text(mut run) => {
            run.y += dy;
            Item::Text(run)
        }
        Item::Line {
            from,
            to,
            width,
            gray,
        } => Item::Line {
            from: (from.0, from.1 + dy),
            to: (to.0, to.1 + dy),
            width,
            gray,
        },
        Item::Rect { rect, gray } => Item::Rect {
            rect: Rect {
                y: rect.y + dy,
                ..rect
            },
            gray,
        },
        Item::Image { url, rect, alt } => Item::Image {
            url,
            rect: Rect {
                y: rect.y + dy,
                ..rect
            },
            alt,
        },
        Item::Link { rect, target } => Item::Link {
            rect: Rect {
                y: rect.y + dy,
                ..rect
            },
            target,
        },
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
        glyphs: shaped
            .glyphs
            .iter()
            .map(|g| PlacedGlyph {
                id: g.id,
                advance: g.advance * size,
                rise: 0.0,
                text: g.text.clone(),
            })
            .collect(),
    }
}

/// Sets centred lines of text from `y` down; returns the new y.
fn centred(
    text: &str,
    style: Style,
    leading: f32,
    y: f32,
    theme: &Theme,
    shaper: &mut Shaper,
    items: &mut Vec<Item>,
) -> f32 {
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
            hyphenate: None,
        },
    );
    let mut y = y;
    for line in lines {
        let dx = theme.margin_left + (theme.measure - line.width) / 2.0;
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

/// The cover: banner, title, subtitle, place and date, publisher.
fn cover_page(doc: &Document, assets: &Assets, theme: &Theme, shaper: &mut Shaper) -> Page {
    let mut items = Vec::new();
    let mut y = theme.margin_top;
    if let Some(cover) = &doc.cover
        && let Some(asset) = assets.get(&cover.url)
    {
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
        });
        y += h + theme.leading * 2.0;
    } else {
        y += theme.page_height * 0.2;
    }

    let style = |face, size| Style {
        face,
        size,
        rise: 0.0,
        gray: 0.0,
        link: None,
        strike: false,
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
    if lang.starts_with("sv") {
        format!("{day} {} {year}", SV[index])
    } else {
        format!("{day} {} {year}", EN[index])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_swedish_and_english() {
        assert_eq!(format_date("2010-09-20", "sv"), "20 september 2010");
        assert_eq!(format_date("2010-09-20", "en"), "20 September 2010");
        assert_eq!(format_date("hösten", "sv"), "hösten");
    }
}
