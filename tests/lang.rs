//! Language of parts (issue 15): bracketed spans and fenced divs give
//! their language to the EPUB's markup, the tagged PDF's structure, the
//! hyphenation of their words and their quotes and spaces.

mod common;

use common::{assert_epub_well_formed, assert_pdf_parses, export_text, pdf_text};
use lopdf::{Document, Object};
use std::io::Read;

/// The text of every XHTML file of an EPUB, joined.
fn xhtml(epub: &[u8]) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(epub)).expect("a zip");
    let mut all = String::new();
    for i in 0..zip.len() {
        let mut file = zip.by_index(i).unwrap();
        if file.name().ends_with(".xhtml") {
            file.read_to_string(&mut all).unwrap();
        }
    }
    all
}

/// The structure elements of type `role`: their /Lang and the text of
/// their marked content.
fn elements(pdf: &[u8], role: &[u8]) -> Vec<(Option<String>, String)> {
    let doc = Document::load_mem(pdf).expect("the PDF parses");
    let pages: Vec<lopdf::ObjectId> = doc.get_pages().values().copied().collect();
    let mut out = Vec::new();
    for object in doc.objects.values() {
        let Ok(dict) = object.as_dict() else { continue };
        if dict.get(b"S").and_then(Object::as_name).ok() != Some(role) {
            continue;
        }
        let lang = dict
            .get(b"Lang")
            .ok()
            .and_then(|l| l.as_str().ok())
            .map(|l| String::from_utf8_lossy(l).into_owned());
        let mut text = String::new();
        let page = dict.get(b"Pg").and_then(Object::as_reference).ok();
        let kids = match dict.get(b"K") {
            Ok(Object::Array(kids)) => kids.clone(),
            Ok(other) => vec![other.clone()],
            Err(_) => Vec::new(),
        };
        for kid in kids {
            let (page, mcid) = match &kid {
                Object::Integer(mcid) => (page, *mcid),
                Object::Dictionary(mcr) => (
                    mcr.get(b"Pg").and_then(Object::as_reference).ok(),
                    mcr.get(b"MCID").and_then(Object::as_i64).unwrap_or(-1),
                ),
                _ => continue,
            };
            let Some(page) = page.filter(|p| pages.contains(p)) else {
                continue;
            };
            for (m, run) in common::page_text_runs(&doc, page) {
                if m == Some(mcid) {
                    text.push_str(&run);
                }
            }
        }
        out.push((lang, text));
    }
    out
}

fn export(markdown: &str) -> (Vec<u8>, Vec<u8>) {
    let dir = tempfile::tempdir().unwrap();
    let outputs = export_text(markdown, dir.path())
        .expect("the document exports")
        .output;
    let (pdf, epub) = (outputs.pdf.unwrap(), outputs.epub.unwrap());
    assert_pdf_parses(&pdf);
    assert_epub_well_formed(&epub);
    (pdf, epub)
}

#[test]
fn an_english_span_in_swedish_text_is_marked_in_both_outputs() {
    let (pdf, epub) = export(
        "---\nlang: sv\n---\n\nMötet heter officiellt [High-level Plenary Meeting]{lang=en} och äger rum i New York.\n",
    );
    assert!(
        xhtml(&epub)
            .contains("<span lang=\"en\" xml:lang=\"en\">High-level Plenary Meeting</span>"),
        "{}",
        xhtml(&epub)
    );
    let spans = elements(&pdf, b"Span");
    assert_eq!(
        spans,
        [(Some("en".into()), "High-level Plenary Meeting".into())],
        "one Span element, with /Lang (en), holding the English words"
    );
}

/// The hyphenated fragments of `word` at the ends of the PDF's lines.
fn broken_fragments(pdf: &[u8], word: &str) -> Vec<String> {
    let text = pdf_text(pdf);
    let pieces: Vec<&str> = text.split('\u{ad}').collect();
    pieces[..pieces.len() - 1]
        .iter()
        .filter_map(|piece| piece.split_whitespace().last())
        .filter(|fragment| word.starts_with(fragment))
        .map(str::to_string)
        .collect()
}

/// "sustainability": English patterns give sus-tain-abil-ity, Swedish
/// ones sustai-na-bi-lity, with no break in common.
#[test]
fn a_span_is_hyphenated_with_its_own_languages_patterns() {
    let english: Vec<String> =
        hypher::hyphenate_bounded("sustainability", hypher::Lang::English, 2, 3)
            .scan(String::new(), |prefix, syllable| {
                prefix.push_str(syllable);
                Some(prefix.clone())
            })
            .collect();
    let swedish: Vec<String> =
        hypher::hyphenate_bounded("sustainability", hypher::Lang::Swedish, 2, 3)
            .scan(String::new(), |prefix, syllable| {
                prefix.push_str(syllable);
                Some(prefix.clone())
            })
            .collect();
    assert!(
        english
            .iter()
            .all(|e| !swedish[..swedish.len() - 1].contains(e))
    );

    // Words of uneven lengths between, so that lines need breaks inside
    // words to come out even.
    let filler = [
        "och", "i", "världen", "för", "alla", "med", "målen", "år", "en",
    ];
    let paragraph = |word: &str| {
        let words: Vec<String> = (0..80)
            .map(|i| {
                if i % 3 == 0 {
                    word.to_string()
                } else {
                    filler[(i * 7) % filler.len()].to_string()
                }
            })
            .collect();
        format!("---\nlang: sv\n---\n\n{}.\n", words.join(" "))
    };
    let (pdf, _) = export(&paragraph("[sustainability]{lang=en}"));
    let fragments = broken_fragments(&pdf, "sustainability");
    assert!(!fragments.is_empty(), "{}", pdf_text(&pdf));
    for fragment in &fragments {
        assert!(
            english.contains(fragment),
            "{fragment}- is no English break"
        );
    }
    // The same word as Swedish text breaks where Swedish patterns say.
    let (pdf, _) = export(&paragraph("sustainability"));
    let fragments = broken_fragments(&pdf, "sustainability");
    assert!(!fragments.is_empty());
    for fragment in &fragments {
        assert!(
            swedish.contains(fragment),
            "{fragment}- is no Swedish break"
        );
    }
}

#[test]
fn a_fenced_div_is_marked_and_set_in_its_language() {
    let (pdf, epub) = export(
        "---\nlang: sv\n---\n\nSvensk text.\n\n::: {lang=fr}\nIl a dit \"oui\".\n:::\n\nSlut.\n",
    );
    let xhtml = xhtml(&epub);
    assert!(
        xhtml.contains(
            "<div lang=\"fr\" xml:lang=\"fr\">\n<p>Il a dit «\u{202f}oui\u{202f}».</p>\n</div>"
        ),
        "{xhtml}"
    );
    let divs = elements(&pdf, b"Div");
    assert_eq!(divs.len(), 1);
    assert_eq!(divs[0].0.as_deref(), Some("fr"));
    assert!(pdf_text(&pdf).contains("Il a dit «\u{202f}oui\u{202f}»."));
}

fn case(name: &str) -> String {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/cases/{name}.md"));
    std::fs::read_to_string(path).unwrap()
}

#[test]
fn a_french_document_has_guillemets_and_french_spaces() {
    let (pdf, epub) = export(&case("french"));
    let text = pdf_text(&pdf);
    for expected in [
        "clairement\u{a0}: «\u{202f}il faut agir maintenant\u{202f}».",
        "en 2015\u{202f}?",
        "le sait\u{202f}; mais l’espoir demeure\u{202f}!",
        "«\u{202f}Nous en avons les moyens\u{202f}»",
    ] {
        assert!(text.contains(expected), "{expected:?} in {text}");
    }
    assert!(xhtml(&epub).contains("<span lang=\"en\" xml:lang=\"en\">In Larger Freedom</span>"));
}

#[test]
fn a_spanish_document_has_angle_quotes_and_keeps_inverted_marks() {
    let (pdf, _) = export(&case("spanish"));
    let text = common::normalise(&pdf_text(&pdf));
    for expected in [
        "¿Qué se espera de la cumbre?",
        "«Reunión Plenaria de Alto Nivel de la Asamblea General».",
        "¡Es una oportunidad única!",
        "“Objetivos de Desarrollo del Milenio”»",
    ] {
        assert!(text.contains(expected), "{expected:?} in {text}");
    }
}

// The syntax: bracketed spans and fenced divs as the model reads them,
// and what a user is warned of.

use mdg_export::diag::Diagnostic;
use mdg_export::model::{Block, Inline, plain_text};
use mdg_export::parse::{MAX_NESTING, ParseOptions};

/// Parses Markdown: its blocks and warnings.
fn build(text: &str) -> (Vec<Block>, Vec<Diagnostic>) {
    let parsed = mdg_export::parse::parse(
        text,
        &ParseOptions {
            name: "doc".into(),
            lang: None,
            title: None,
        },
    )
    .expect("parses");
    (parsed.output.blocks, parsed.warnings)
}

#[test]
fn a_bracketed_span_has_a_language() {
    let (blocks, warnings) = build("Mötet heter [High-level *Plenary* Meeting]{lang=en} i FN.\n");
    assert!(warnings.is_empty(), "{warnings:?}");
    let Block::Paragraph { content, .. } = &blocks[0] else {
        panic!("{blocks:?}")
    };
    assert_eq!(
        plain_text(content),
        "Mötet heter High-level Plenary Meeting i FN."
    );
    let Inline::Span {
        lang,
        content,
        span,
    } = &content[1]
    else {
        panic!("{content:?}")
    };
    assert_eq!(lang, "en");
    assert!(matches!(content[1], Inline::Emph(..)));
    assert_eq!(
        &"Mötet heter [High-level *Plenary* Meeting]{lang=en} i FN."[span.start..span.end],
        "[High-level *Plenary* Meeting]{lang=en}"
    );
}

#[test]
fn classes_and_ids_are_read_past() {
    let (blocks, _) = build("[so]{.x #y lang=\"en-GB\" data-k='v w'} och [bara]{.sc}.\n");
    let Block::Paragraph { content, .. } = &blocks[0] else {
        panic!()
    };
    assert!(matches!(&content[0], Inline::Span { lang, .. } if lang == "en-GB"));
    assert_eq!(plain_text(content), "so och bara.");
}

#[test]
fn brackets_that_are_no_span_stay_text() {
    let (blocks, warnings) = build("Se [1] och [a [b] c] samt x]{y.\n");
    assert!(warnings.is_empty());
    let Block::Paragraph { content, .. } = &blocks[0] else {
        panic!()
    };
    assert_eq!(plain_text(content), "Se [1] och [a [b] c] samt x]{y.");
}

#[test]
fn a_bad_tag_or_attribute_warns_at_its_line() {
    let (blocks, warnings) = build("Rad ett.\n\nOrd [ett]{lang=engelska} och [två]{lang}.\n");
    let Block::Paragraph { content, .. } = &blocks[1] else {
        panic!()
    };
    assert_eq!(plain_text(content), "Ord ett och två.");
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    assert!(
        warnings[0]
            .message
            .contains("`engelska` is not a language tag")
    );
    assert!(warnings[1].message.contains("bad attribute list"));
    let source = "Rad ett.\n\nOrd [ett]{lang=engelska} och [två]{lang}.\n";
    assert_eq!(
        mdg_export::diag::line_col(source, warnings[0].span.start).line,
        3
    );
}

#[test]
fn a_fenced_div_sets_the_language_of_its_blocks() {
    // After a list, a blank line: else `:::` is a line of its last item.
    let text = "Svensk text.\n\n::: {lang=fr}\nBonjour.\n\n- un\n- deux\n\n:::\n\nSlut.\n";
    let (blocks, warnings) = build(text);
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(blocks.len(), 3, "{blocks:?}");
    let Block::Div {
        lang,
        blocks: inner,
        ..
    } = &blocks[1]
    else {
        panic!("{blocks:?}")
    };
    assert_eq!(lang, "fr");
    assert!(
        matches!(&inner[0], Block::Paragraph { content, .. } if plain_text(content) == "Bonjour.")
    );
    assert!(matches!(inner[1], Block::List { .. }));
}

#[test]
fn divs_nest_and_an_unclosed_one_warns() {
    let text = "::: {lang=en}\nOne.\n\n::: {lang=fr}\nDeux.\n:::\n\nThree.\n";
    let (blocks, warnings) = build(text);
    let Block::Div {
        lang,
        blocks: inner,
        ..
    } = &blocks[0]
    else {
        panic!("{blocks:?}")
    };
    assert_eq!(lang, "en");
    assert!(matches!(&inner[1], Block::Div { lang, .. } if lang == "fr"));
    assert!(matches!(&inner[2], Block::Paragraph { .. }));
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].message.contains("never closed"));
    assert_eq!(
        mdg_export::diag::line_col(text, warnings[0].span.start).line,
        1
    );
}

#[test]
fn a_heading_has_a_language_or_ends_with_a_span() {
    let (blocks, _) = build("# Om [In Larger Freedom]{lang=en}\n\n## Summit {lang=en}\n");
    let Block::Heading { content, .. } = &blocks[0] else {
        panic!()
    };
    assert!(
        matches!(&content[1], Inline::Span { lang, .. } if lang == "en"),
        "{content:?}"
    );
    assert_eq!(plain_text(content), "Om In Larger Freedom");
    let Block::Heading { content, .. } = &blocks[1] else {
        panic!()
    };
    assert!(
        matches!(&content[..], [Inline::Span { lang, .. }] if lang == "en"),
        "{content:?}"
    );
}

#[test]
fn a_stray_closing_fence_stays_text_and_warns() {
    let (blocks, warnings) = build("Text.\n\n:::\n");
    assert_eq!(blocks.len(), 2);
    assert!(warnings[0].message.contains("closes no div"));
}

#[test]
fn deep_spans_and_divs_are_bounded() {
    let text = format!("{}x{}\n", "[".repeat(5000), "]{lang=en}".repeat(5000));
    let (blocks, _) = build(&text);
    fn depth(inlines: &[Inline]) -> usize {
        inlines
            .iter()
            .map(|i| match i {
                Inline::Span { content, .. } => 1 + depth(content),
                _ => 0,
            })
            .max()
            .unwrap_or(0)
    }
    let Block::Paragraph { content, .. } = &blocks[0] else {
        panic!()
    };
    assert!(depth(content) <= MAX_NESTING);
    let text = "::: {lang=en}\n\n".repeat(3000);
    let (blocks, warnings) = build(&text);
    let mut level = 0;
    let mut list = &blocks;
    while let Some(Block::Div { blocks, .. }) = list.first() {
        level += 1;
        list = blocks;
    }
    assert!(level <= MAX_NESTING);
    assert!(!warnings.is_empty());
}
