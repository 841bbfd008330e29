//! One test per bug found in issue 5 (bad input, fuzzing), named after it.
//! See the issue: "Never crash, never lose work, never leak".

mod common;

use common::{assert_inside_pages, layout_text, run_mdg, stderr_of};

/// A `%` followed by a character of several bytes in an image path made
/// the percent-decoder slice a `str` inside a character and panic.
#[test]
fn issue_5_image_path_with_percent_before_a_multibyte_character() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("doc.md"), "# R\n\n![Bild](%aå.png)\n").unwrap();
    let output = run_mdg(dir.path(), &["pdf", "doc.md"]);
    let err = stderr_of(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(err.contains("cannot read image"), "{err}");
    assert!(err.contains("%aå.png"), "{err}");
}

/// Each nested quote or list took its indent off the text's width, so at
/// the parser's 48 levels text stood far right of the page.
#[test]
fn issue_5_deep_nesting_stays_on_the_page() {
    for text in [
        format!("{}x\n", "> ".repeat(60)),
        format!("{}x\n", "- ".repeat(60)),
    ] {
        let (pages, _) = layout_text(&text);
        assert_inside_pages(&pages);
    }
}

/// A paragraph indented after another one split a giant word to the full
/// measure, so its first line stuck out by the indent.
#[test]
fn issue_5_giant_word_after_a_paragraph_is_not_overfull() {
    let text = format!("Först.\n\n{}\n", "m".repeat(2000));
    let (pages, _) = layout_text(&text);
    assert_eq!(pages.stats.overfull, 0);
    assert_inside_pages(&pages);
}

/// A title of a thousand words ran off the foot of the cover.
#[test]
fn issue_5_a_giant_title_stays_on_the_cover() {
    let text = format!("# {}\n\nText.\n", "Rubrik ".repeat(1000));
    let (pages, _) = layout_text(&text);
    assert_inside_pages(&pages);
}
