//! Property tests of the line breaker and the paginator, on paragraphs of
//! random Swedish-like words (some long enough to be split, some real
//! words that hyphenate) at random widths:
//!
//! - every glyph run lies inside the measure (no overfull line) and, on a
//!   page, inside the text block;
//! - nothing is lost or duplicated: the text of the lines or pages, with
//!   inserted hyphens and line breaks taken out, is the source's words.

mod common;

use mdg_export::fonts::{FaceRole, FontSet};
use mdg_export::layout::shape::Shaper;
use mdg_export::layout::text::{Hyphenation, Line, LineOptions, Piece, Style, break_lines};
use mdg_export::layout::{Item, LayoutOptions, Paper, Theme};
use proptest::prelude::*;

const SYLLABLES: &[&str] = &[
    "ba", "kö", "strå", "mil", "len", "ni", "e", "må", "to", "mö", "tet", "för", "ta", "de", "nat",
    "ion", "sam", "hälls", "ut", "veck", "ling", "ål", "änd", "skog", "fjäll", "sjö", "kr", "o",
];

/// Real words the Swedish patterns break.
const HYPHENATABLE: &[&str] = &[
    "millenniemålen",
    "utvärderingen",
    "framgångsrika",
    "regeringschefer",
    "utvecklingsländerna",
    "fattigdomsbekämpning",
    "jämställdhet",
    "barnadödligheten",
    "generalförsamlingen",
    "miljöförstöringen",
];

fn word() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => prop::collection::vec(prop::sample::select(SYLLABLES), 1..5).prop_map(|s| s.concat()),
        2 => prop::sample::select(HYPHENATABLE).prop_map(str::to_string),
        1 => prop::collection::vec(prop::sample::select(SYLLABLES), 15..60)
            .prop_map(|s| s.concat()),
        1 => prop::sample::select(&["i", "å", "ö", "och", "en"][..]).prop_map(str::to_string),
    ]
}

fn paragraph() -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec(word(), 1..60)
}

fn style(face: FaceRole, size: f32) -> Style {
    Style {
        face,
        size,
        rise: 0.0,
        gray: 0.0,
        link: None,
        strike: false,
        image: None,
        tag: Default::default(),
        hyphenation: Some(Hyphenation::Swedish),
    }
}

/// The text of a line's glyph runs.
fn line_text(line: &Line) -> String {
    line.items
        .iter()
        .filter_map(|item| match item {
            Item::Text(run) => Some(run.text()),
            _ => None,
        })
        .collect()
}

/// Joins lines as a reader copying them would: a line ending with an
/// inserted hyphen (U+00AD) runs on into the next, other lines end a word.
fn join_lines<'a>(lines: impl IntoIterator<Item = &'a str>) -> String {
    let mut out = String::new();
    for line in lines {
        if let Some(stripped) = out.strip_suffix('\u{ad}') {
            out.truncate(stripped.len());
        } else if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(line.trim_end());
    }
    out
}

fn without_space(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{ad}')
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn lines_stay_inside_the_measure_and_keep_every_word(
        words in paragraph(),
        width in 40.0f32..400.0,
        indent in prop::sample::select(&[0.0f32, 12.0][..]),
        size in prop::sample::select(&[8.0f32, 10.0, 14.0][..]),
        justify in any::<bool>(),
        hyphenate in any::<bool>(),
    ) {
        let fonts = FontSet::built_in();
        let mut shaper = Shaper::new(&fonts);
        let text = words.join(" ");
        let pieces = [Piece { text: text.clone(), style: style(FaceRole::Regular, size) }];
        let options = LineOptions {
            width,
            first_indent: indent,
            justify,
            hyphenate,
            verbatim: false,
        };
        let lines = break_lines(&pieces, &mut shaper, &options);
        for (i, line) in lines.iter().enumerate() {
            prop_assert!(line.width <= width + 0.01, "line {i} is {} wide, measure {width}", line.width);
            for item in &line.items {
                if let Item::Text(run) = item {
                    prop_assert!(run.x >= -0.01, "run starts at {}", run.x);
                    prop_assert!(run.x + run.width() <= width + 0.01,
                        "run ends at {}, measure {width}", run.x + run.width());
                }
            }
        }
        let texts: Vec<String> = lines.iter().map(line_text).collect();
        let joined = join_lines(texts.iter().map(String::as_str));
        // Nothing lost or duplicated, in order.
        prop_assert_eq!(without_space(&joined), without_space(&text));
        // Word for word, unless a word wider than the line had to be cut.
        let widest = words
            .iter()
            .map(|w| shaper.shape(FaceRole::Regular, w).width * size)
            .fold(0.0f32, f32::max);
        if widest < width - indent - 1.0 {
            prop_assert_eq!(joined.split_whitespace().collect::<Vec<_>>(), words.iter().map(String::as_str).collect::<Vec<_>>());
        }
    }

    #[test]
    fn pages_hold_every_word_inside_the_text_block(
        blocks in prop::collection::vec((any::<bool>(), paragraph()), 1..25),
        paper in prop::sample::select(&[Paper::A5, Paper::A4, Paper::Letter][..]),
    ) {
        let mut markdown = String::new();
        let mut words = Vec::new();
        for (heading, block) in &blocks {
            // A heading is kept short, as headings are.
            let block = if *heading { &block[..block.len().min(6)] } else { &block[..] };
            if *heading {
                markdown.push_str("## ");
            }
            markdown.push_str(&block.join(" "));
            markdown.push_str("\n\n");
            words.extend(block.iter().cloned());
        }
        let doc = mdg_export::parse::parse(
            &markdown,
            &mdg_export::parse::ParseOptions { name: "p".into(), lang: None, title: None },
        )
        .unwrap()
        .output;
        let fonts = FontSet::built_in();
        let options = LayoutOptions { paper, toc: Some(false) };
        let pages = mdg_export::layout::layout_document(
            &doc,
            &mdg_export::assets::Assets::default(),
            &fonts,
            &options,
        )
        .output;
        prop_assert_eq!(pages.stats.overfull, 0);
        let theme = Theme::for_paper(paper);
        let mut lines: Vec<String> = Vec::new();
        let mut last_y = None;
        // Page 0 is the cover; the body starts on page 1.
        for (index, page) in pages.pages.iter().enumerate().skip(1) {
            for item in &page.items {
                let Item::Text(run) = item else { continue };
                if run.y >= theme.footer_baseline - 0.01 {
                    // The page number.
                    prop_assert_eq!(run.text(), (index + 1).to_string());
                    continue;
                }
                prop_assert!(run.x >= theme.margin_left - 0.01, "page {index}: run at x {}", run.x);
                prop_assert!(run.x + run.width() <= theme.margin_left + theme.measure + 0.01,
                    "page {index}: run ends at {}", run.x + run.width());
                prop_assert!(run.y - run.size >= theme.margin_top - run.size - 0.01);
                prop_assert!(run.y <= theme.block_bottom() + 0.01, "page {index}: baseline {} below the block", run.y);
                if last_y == Some((index, run.y)) {
                    lines.last_mut().unwrap().push_str(&run.text());
                } else {
                    lines.push(run.text());
                }
                last_y = Some((index, run.y));
            }
        }
        let joined = join_lines(lines.iter().map(String::as_str));
        prop_assert_eq!(without_space(&joined), without_space(&words.concat()));
    }
}
