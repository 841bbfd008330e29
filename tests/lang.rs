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
