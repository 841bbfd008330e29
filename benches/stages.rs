//! Stage benchmarks: `cargo bench --bench stages`.
//!
//! Each stage of the pipeline on the summit text at 1× and 10× its length:
//! parse, load images, shape, break lines, lay out, write the PDF, write
//! the EPUB. Whole-process figures (start-up, peak memory, output size,
//! typst and pandoc beside ours) come from `scripts/bench.sh`.

use mdg_export::assets::{Assets, load_assets};
use mdg_export::fonts::{FaceRole, FontSet};
use mdg_export::layout::shape::Shaper;
use mdg_export::layout::text::{Hyphenation, LineOptions, Piece, Style, break_lines};
use mdg_export::layout::{LayoutOptions, Pages, layout_document};
use mdg_export::model::{Block, Document, plain_text};
use mdg_export::parse::{ParseOptions, parse};
use mdg_export::{builtin, epub, pdf};

fn main() {
    divan::main();
}

/// The summit text with its body repeated `times` times, headings numbered.
fn summit(times: usize) -> String {
    let source = builtin::MARKDOWN;
    let body_start = source.find("\n# ").expect("the summit text has headings");
    let (front, body) = source.split_at(body_start);
    let mut text = front.to_string();
    for i in 1..=times {
        for line in body.lines() {
            text.push_str(line);
            if line.starts_with("# ") {
                text.push_str(&format!(" {i}"));
            }
            text.push('\n');
        }
    }
    text
}

struct Prepared {
    doc: Document,
    assets: Assets,
    pages: Pages,
}

fn prepare(times: usize, fonts: &FontSet) -> Prepared {
    let text = summit(times);
    let doc = parse(
        &text,
        &ParseOptions {
            name: "bench".into(),
            lang: None,
            title: None,
        },
    )
    .expect("parses")
    .output;
    let assets = load_assets(&doc, &builtin::assets(), fonts)
        .expect("loads")
        .output;
    let pages = layout_document(&doc, &assets, fonts, &LayoutOptions::default()).output;
    Prepared { doc, assets, pages }
}

const SIZES: [usize; 2] = [1, 10];

#[divan::bench(args = SIZES)]
fn parse_markdown(bencher: divan::Bencher, times: usize) {
    let text = summit(times);
    let options = ParseOptions {
        name: "bench".into(),
        lang: None,
        title: None,
    };
    bencher.bench(|| parse(divan::black_box(&text), &options).expect("parses"));
}

#[divan::bench]
fn load_images(bencher: divan::Bencher) {
    let fonts = FontSet::built_in();
    let doc = parse(
        builtin::MARKDOWN,
        &ParseOptions {
            name: "bench".into(),
            lang: None,
            title: None,
        },
    )
    .expect("parses")
    .output;
    let source = builtin::assets();
    bencher.bench(|| load_assets(&doc, &source, &fonts).expect("loads"));
}

/// The paragraphs of the summit as styled pieces.
fn paragraphs(times: usize) -> Vec<Vec<Piece>> {
    let fonts = FontSet::built_in();
    let doc = prepare(times, &fonts).doc;
    doc.blocks
        .iter()
        .filter_map(|block| match block {
            Block::Paragraph { content, .. } => Some(vec![Piece {
                text: plain_text(content),
                style: Style {
                    face: FaceRole::Regular,
                    size: 10.0,
                    rise: 0.0,
                    gray: 0.0,
                    link: None,
                    strike: false,
                    image: None,
                    tag: Default::default(),
                    hyphenation: Some(Hyphenation::Swedish),
                },
            }]),
            _ => None,
        })
        .collect()
}

#[divan::bench(args = SIZES)]
fn shape_words(bencher: divan::Bencher, times: usize) {
    let fonts = FontSet::built_in();
    let words: Vec<String> = paragraphs(times)
        .into_iter()
        .flat_map(|p| {
            p[0].text
                .split_whitespace()
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .collect();
    bencher.bench(|| {
        // A fresh shaper each time: the cost with an empty cache.
        let mut shaper = Shaper::new(&fonts);
        for word in &words {
            divan::black_box(shaper.shape(FaceRole::Regular, word));
        }
    });
}

#[divan::bench(args = SIZES)]
fn break_paragraphs(bencher: divan::Bencher, times: usize) {
    let fonts = FontSet::built_in();
    let paragraphs = paragraphs(times);
    let options = LineOptions {
        width: 312.0,
        first_indent: 12.0,
        justify: true,
        hyphenate: true,
        verbatim: false,
    };
    let mut shaper = Shaper::new(&fonts);
    bencher.bench_local(|| {
        for pieces in &paragraphs {
            divan::black_box(break_lines(pieces, &mut shaper, &options));
        }
    });
}

#[divan::bench(args = SIZES)]
fn lay_out(bencher: divan::Bencher, times: usize) {
    let fonts = FontSet::built_in();
    let prepared = prepare(times, &fonts);
    bencher.bench(|| {
        layout_document(
            &prepared.doc,
            &prepared.assets,
            &fonts,
            &LayoutOptions::default(),
        )
    });
}

#[divan::bench(args = SIZES)]
fn write_pdf(bencher: divan::Bencher, times: usize) {
    let fonts = FontSet::built_in();
    let prepared = prepare(times, &fonts);
    let options = pdf::PdfOptions::default();
    bencher
        .with_inputs(|| prepared.pages.clone())
        .bench_values(|pages| {
            pdf::write_pdf(
                pages,
                &prepared.doc.meta,
                &prepared.assets,
                &fonts,
                &options,
            )
            .expect("writes")
        });
}

#[divan::bench(args = SIZES)]
fn write_epub(bencher: divan::Bencher, times: usize) {
    let fonts = FontSet::built_in();
    let prepared = prepare(times, &fonts);
    let options = epub::EpubOptions::default();
    bencher.bench(|| {
        epub::write_epub(&prepared.doc, &prepared.assets, &fonts, &options).expect("writes")
    });
}
