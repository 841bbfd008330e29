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

/// Found by the property test of the line breaker: the font expansion of
/// a word hyphenated across two lines was credited whole to the second
/// line, which then could not shrink as far as the breaker thought and
/// came out 0.2 pt overfull.
#[test]
fn issue_5_proptest_hyphenated_word_lends_no_shrink_to_the_next_line() {
    use mdg_export::fonts::{FaceRole, FontSet};
    use mdg_export::layout::shape::Shaper;
    use mdg_export::layout::text::{Hyphenation, LineOptions, Piece, Style, break_lines};
    let text = [
        "baändmösambabahällshällsstråstråändköstråstråbababamåninimöveckmilbabastråninibamöändlenmilmilbamödehällsnatlenmåmilbamåstråför",
        "möbamåba",
        "strånat",
        "hällshällsba",
        "bastrå",
        "i",
        "och",
        "stråsamhällsbabanibanatbanidetobanatmilmilmåändeändstråtaändfjällmiltettethällstooomillensjö",
        "å",
        "nihällslen",
        "och",
        "edemå",
        "framgångsrika",
        "baål",
        "utvecklingsländerna",
        "ba",
        "stråsamköstråförbastrådemåbastråbabababaändbamösamveckändbababa",
        "ändändba",
        "baför",
        "nat",
        "för",
        "natbababa",
        "millenniemålen",
        "utvecklingsländerna",
        "utvecklingsländerna",
        "måbaveck",
        "bahällsba",
        "millenniemålen",
        "babamå",
        "strå",
        "bastråhällsstrå",
        "jämställdhet",
        "möling",
        "jämställdhet",
        "sjö",
        "sjöostråni",
        "ö",
        "lensamde",
        "okölingförsjöålsjödeotetförålomilskogteteetaålhällsmilutmåsjöhällsnistråmåmilfjällmåködemöstrånihällsstråförtoålskogtataionlingbatetnilingo",
    ]
    .join(" ");
    let fonts = FontSet::built_in();
    let mut shaper = Shaper::new(&fonts);
    let pieces = [Piece {
        text,
        style: Style {
            face: FaceRole::Regular,
            size: 8.0,
            rise: 0.0,
            gray: 0.0,
            link: None,
            strike: false,
            image: None,
            tag: Default::default(),
            hyphenation: Some(Hyphenation::Swedish),
        },
    }];
    let options = LineOptions {
        width: 351.5833,
        first_indent: 0.0,
        justify: true,
        hyphenate: true,
        verbatim: false,
    };
    let lines = break_lines(&pieces, &mut shaper, &options);
    assert!(lines.iter().any(|l| l.hyphenated));
    for line in &lines {
        assert!(line.width <= 351.5833 + 0.01, "{}", line.width);
    }
}

/// A message about a line of 10 000 `> ` printed all 20 000 characters of
/// it; long lines are now cut around the column.
#[test]
fn issue_5_a_long_source_line_is_cut_in_messages() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("doc.md"),
        format!("{}djupt\n", "> ".repeat(10_000)),
    )
    .unwrap();
    let output = run_mdg(dir.path(), &["pdf", "doc.md"]);
    let err = stderr_of(&output);
    assert!(output.status.success(), "{err}");
    assert!(err.contains("nested more than 48 levels"), "{err}");
    assert!(err.contains("> > …"), "{err}");
    assert!(err.len() < 1000, "{} bytes of messages", err.len());
}

/// Found by AFL++ from the corpus seed `bat-alternatives` (issue 13): in a
/// table of ten columns, a cell of a letter, 36 spaces and `?` (UAX #14
/// allows no break before `?`, so the spaces stay inside one word) makes
/// layout produce items without end: the run took 24 GB before it was
/// killed. The cell's column was so narrow that the row stood taller than
/// a page: on each new page the repeated header row left too little room
/// for it, so the page was finished again, for ever. Run under a 2 GB
/// address-space limit so that a failure is a clean abort, not a machine
/// out of memory.
#[test]
fn issue_13_fuzz_table_cell_with_spaces_before_a_question_mark() {
    let dir = tempfile::tempdir().unwrap();
    let head: Vec<String> = (0..10).map(|i| format!(" h{i} ")).collect();
    let cells: Vec<String> = (0..10)
        .map(|i| {
            if i == 5 {
                format!(" x{}? ", " ".repeat(36))
            } else {
                " highlighting nested ".to_string()
            }
        })
        .collect();
    let table = format!(
        "|{}|\n|{}|\n|{}|\n",
        head.join("|"),
        ["---"; 10].join("|"),
        cells.join("|")
    );
    std::fs::write(dir.path().join("t.md"), table).unwrap();
    let output = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!(
            "ulimit -v 2000000; exec timeout 60 '{}' pdf t.md -o t.pdf",
            env!("CARGO_BIN_EXE_mdg-export")
        ))
        .current_dir(dir.path())
        .output()
        .expect("sh runs");
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
}

/// Issue 17, found by fuzzing the front-matter reader: a YAML error on a
/// line that starts with a letter of several bytes (`öte: [A, B`) had a
/// span one byte long, ending inside the `ö`; a program slicing the
/// source with the span (as an editor plugin would, to underline it)
/// panicked. Every front-matter message now spans whole characters.
#[test]
fn issue_17_fuzz_front_matter_error_spans_whole_characters() {
    let options = mdg_export::parse::ParseOptions {
        name: "doc".into(),
        lang: None,
        title: None,
    };
    for source in [
        "---\ntitle: T\ndesc- a\nöte i genera: [A, B\\\n---\n\nText.\n",
        "---\ntitle: T\nåäö\n---\n\nText.\n",
        "---\nö: x\n[1]: y\n---\n\nText.\n",
    ] {
        let diagnostics = match mdg_export::parse::parse(source, &options) {
            Ok(warned) => warned.warnings,
            Err(errors) => errors,
        };
        assert!(!diagnostics.is_empty(), "{source:?}");
        for diagnostic in diagnostics {
            let span = diagnostic.span;
            let marked = source.get(span.start..span.end);
            assert!(
                marked.is_some_and(|text| !text.is_empty()),
                "{source:?}: {} at {span:?}",
                diagnostic.message
            );
        }
    }
}
