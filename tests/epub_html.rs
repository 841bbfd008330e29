//! Raw HTML in the Markdown, through the whole pipeline: hostile input
//! becomes well-formed XHTML that carries nothing active.

use mdg_export::assets::EmbeddedSource;
use mdg_export::diag::Diagnostic;
use mdg_export::fonts::FontSet;
use mdg_export::{ExportOptions, builtin};
use std::io::{Cursor, Read};

const HOSTILE: &str = r#"---
title: Fientlig
lang: en
---

# Hostile

Text with <script>alert("x")</script> inline script and <b onclick="evil()">bold</b>.

<script>
document.write("gone");
</script>

<figure>Image: <img src="x.png" onerror="alert(1)" alt="broken"></figure>

<a href="javascript:alert(1)">js link</a> and <a href="JaVaScRiPt:alert(2)">mixed case</a>
and <a href="java&#x09;script:alert(3)">tab</a>.

Unclosed <b>bold *emph <i>italic* rest and <span style="color:red">red

<div style="background:url(javascript:alert(1))" onmouseover="x()">
<table><tr><td><table><tr><td>inner</td></tr></table></td><td>two
</div>

<iframe src="https://evil.example/"></iframe>

<object data="x.swf"></object><embed src="x.swf">

<form action="https://evil.example"><input name="q"></form>

<svg onload="alert(1)"><circle r="5"/></svg>

<math><mi>x</mi></math>

<style>body { display: none }</style>

Inline <img src="data:image/png;base64,AAAA" alt="data image"> and
<img src="https://example.org/remote.png" alt="remote"> and
<img src="banner.svg" alt="the banner" onerror="x()">.

<a href="vbscript:msgbox(1)">vb</a> <a href="https://example.org/ok" onclick="x()">ok</a>

<link rel="stylesheet" href="https://evil.example/x.css"><meta http-equiv="refresh" content="0;url=https://evil.example"><base href="https://evil.example/">

- list item with </li></ul> stray closers
- <p>block in inline</p> and <SCRIPT>more *hidden* text</SCRIPT> shown

> quote with <blockquote>nested raw</blockquote>

| a | b |
|---|---|
| <b>x | <script>y</script> cell |

Footnote[^1] and a *<a href="https://example.org/in">link in emphasis*</a>.

[^1]: Note with <em>unclosed emphasis

![Banner](banner.svg)
"#;

fn export(markdown: &str, pdf: bool) -> (Vec<u8>, Vec<Diagnostic>) {
    let mut source = EmbeddedSource::default();
    source.files.insert("banner.svg", builtin::BANNER);
    let options = ExportOptions {
        name: "hostile".into(),
        pdf,
        epub: true,
        ..ExportOptions::default()
    };
    let warned = mdg_export::export(markdown, &source, &FontSet::built_in(), &options)
        .expect("the document exports");
    if let Some(dir) = std::env::var_os("MDG_EPUB_SAVE") {
        let path = std::path::Path::new(&dir).join("hostile.epub");
        std::fs::write(path, warned.output.epub.as_ref().unwrap()).unwrap();
    }
    (warned.output.epub.unwrap(), warned.warnings)
}

/// The content documents: (name, text).
fn xhtml_files(epub: &[u8]) -> Vec<(String, String)> {
    let mut archive = zip::ZipArchive::new(Cursor::new(epub)).unwrap();
    let mut files = Vec::new();
    for i in 0..archive.len() {
        let mut file = archive.by_index(i).unwrap();
        if !file.name().ends_with(".xhtml") {
            continue;
        }
        let mut text = String::new();
        file.read_to_string(&mut text).unwrap();
        files.push((file.name().to_string(), text));
    }
    files
}

fn parse(xml: &str) -> roxmltree::Document<'_> {
    let options = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..roxmltree::ParsingOptions::default()
    };
    roxmltree::Document::parse_with_options(xml, options)
        .unwrap_or_else(|err| panic!("not well-formed: {err}\n{xml}"))
}

/// Elements that must never appear in a body.
const FORBIDDEN: &[&str] = &[
    "script", "style", "iframe", "object", "embed", "form", "input", "link", "meta", "base", "svg",
    "math", "circle", "mi",
];

#[test]
fn hostile_html_leaves_nothing_active() {
    let (epub, _) = export(HOSTILE, false);
    let files = xhtml_files(&epub);
    assert!(files.len() >= 3);
    let mut body_text = String::new();
    for (name, text) in &files {
        let doc = parse(text);
        let body = doc.descendants().find(|n| n.has_tag_name("body")).unwrap();
        for node in body.descendants().filter(|n| n.is_element()) {
            let tag = node.tag_name().name();
            assert!(!FORBIDDEN.contains(&tag), "{name}: <{tag}> in the body");
            for attribute in node.attributes() {
                let key = attribute.name().to_ascii_lowercase();
                let value = attribute.value().trim().to_ascii_lowercase();
                assert!(
                    !key.starts_with("on") && key != "style",
                    "{name}: <{tag} {key}>"
                );
                if key == "href" || key == "src" {
                    for scheme in ["javascript:", "vbscript:", "data:", "java\tscript:"] {
                        assert!(!value.starts_with(scheme), "{name}: {key}={value}");
                    }
                }
                if key == "src" {
                    assert!(
                        !value.contains("//") && !value.contains(':'),
                        "{name}: remote source {value}"
                    );
                }
            }
        }
        body_text.extend(body.descendants().filter_map(|n| n.text()));
    }
    // Script content is gone, also where it was Markdown text between
    // inline tags; other elements show as text.
    for gone in [
        "alert(\"x\")",
        "document.write",
        "display: none",
        "hidden",
        "y cell",
    ] {
        assert!(!body_text.contains(gone), "{gone:?} reached the EPUB");
    }
    for shown in [
        "<iframe src=",
        "<svg onload=",
        "<form action=",
        "inner",
        "two",
        "shown",
    ] {
        assert!(body_text.contains(shown), "{shown:?} is missing");
    }
    // Alt text stands in for images the book does not carry.
    for alt in ["broken", "data image", "remote"] {
        assert!(body_text.contains(alt), "alt text {alt:?} is missing");
    }
}

#[test]
fn safe_html_is_kept() {
    let (epub, _) = export(HOSTILE, false);
    let files = xhtml_files(&epub);
    let chapter = &files
        .iter()
        .find(|(name, _)| name.ends_with("chapter-1.xhtml"))
        .unwrap()
        .1;
    for kept in [
        "inline script and <b>bold</b>.",
        "<a href=\"https://example.org/ok\">ok</a>",
        "alt=\"the banner\"/>",
        "<table><tr><td><table><tr><td>inner</td></tr></table></td><td>two\n</td></tr></table></div>",
        // Closed where the paragraph (and the emphasis) ends.
        "Unclosed <b>bold <em>emph <i>italic</i></em> rest and <span>red</span></b></p>",
    ] {
        assert!(chapter.contains(kept), "{kept:?} is not in\n{chapter}");
    }
    // A raw link inside Markdown emphasis ends with the emphasis.
    assert!(
        chapter.contains("<em><a href=\"https://example.org/in\">link in emphasis</a></em>"),
        "{chapter}"
    );
}

#[test]
fn what_was_dropped_is_reported_at_its_span() {
    let (_, warnings) = export(HOSTILE, false);
    let find = |needle: &str| {
        warnings
            .iter()
            .find(|w| w.message.contains(needle))
            .unwrap_or_else(|| panic!("no warning about {needle}: {warnings:#?}"))
    };
    let script = find("`<script>` with its content");
    let at = &HOSTILE[script.span.start..script.span.end];
    assert!(at.starts_with("<script>"), "{at:?}");
    let iframe = find("shown as text `<iframe>`");
    assert!(HOSTILE[iframe.span.start..].starts_with("<iframe"));
    find("the `onclick` attribute");
    find("the link to `javascript:alert(1)`");
    // Every raw-HTML warning says what happened in the EPUB only.
    for warning in warnings.iter().filter(|w| w.message.contains("raw HTML")) {
        assert!(
            warning.message.starts_with("raw HTML in the EPUB: "),
            "{}",
            warning.message
        );
    }
}

#[test]
fn with_the_pdf_one_warning_says_both() {
    let (_, warnings) = export(HOSTILE, true);
    let script: Vec<&Diagnostic> = warnings
        .iter()
        .filter(|w| w.message.contains("`<script>`"))
        .collect();
    assert!(!script.is_empty());
    for warning in &script {
        assert!(
            warning
                .message
                .starts_with("raw HTML is left out of the PDF; in the EPUB: "),
            "{}",
            warning.message
        );
        let same_span = warnings.iter().filter(|w| w.span == warning.span).count();
        assert_eq!(same_span, 1, "one warning per span");
    }
    // Harmless HTML that the PDF sets (bold) gets no warning at all.
    let bold = warnings
        .iter()
        .find(|w| HOSTILE[w.span.start..].starts_with("</b>."));
    assert!(bold.is_none(), "{bold:?}");
}

/// Issue 13, item 1: text after a tag that began with a letter of several
/// bytes (`<p>Åsa`) made the hand-written tokenizer cut it in two and
/// panic. Named entities of every kind become their characters.
#[test]
fn issue_13_non_ascii_text_and_entities_in_html_pass_intact() {
    // A list stays raw HTML for the sanitizer (a lone `<p>` is read into
    // the model as a paragraph).
    let markdown = "---\nlang: sv\n---\n# Rubrik\n\n<ul><li>Åsa och Örjan&nbsp;&eacute;&hellip;</li></ul>\n\n\
                    Text med <b>Ärlig</b> &frac34; <i>örn</i>.\n";
    let (epub, warnings) = export(markdown, false);
    assert!(warnings.is_empty(), "{warnings:?}");
    let files = xhtml_files(&epub);
    let chapters: String = files.iter().map(|(_, text)| text.as_str()).collect();
    for (_, text) in &files {
        parse(text);
    }
    for kept in [
        "<li>Åsa och Örjan\u{a0}é…</li>",
        "<b>Ärlig</b> ¾ <i>örn</i>",
    ] {
        assert!(chapters.contains(kept), "{kept:?} is not in\n{chapters}");
    }
}
