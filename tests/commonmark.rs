//! Every example of the CommonMark specification through both back ends:
//! no panic, the PDF parses back, every XHTML file of the EPUB is
//! well-formed. Each example is exported as its own document, then all
//! of them as one.
//!
//! The spec is read from `../shared/corpus/commonmark-spec.txt` beside the
//! repository (CC-BY-SA 4.0, its licence file next to it), or from the
//! file named by `MDG_COMMONMARK_SPEC`. Without it the test says so and
//! passes: the corpus is not ours to copy into the repository.

mod common;

use common::{assert_epub_well_formed, assert_pdf_parses, export_text};
use std::path::{Path, PathBuf};

/// One example: its number (from 1) and Markdown.
struct Example {
    number: usize,
    line: usize,
    markdown: String,
}

fn spec_path() -> PathBuf {
    std::env::var_os("MDG_COMMONMARK_SPEC").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/commonmark-spec.txt"),
        PathBuf::from,
    )
}

/// Cuts the spec into examples: each sits between a line of 32 backticks
/// and ` example`, and a line of 32 backticks; the Markdown is the part
/// before the line holding a single `.`. The spec writes tabs as `→`.
fn examples(spec: &str) -> Vec<Example> {
    let fence = "`".repeat(32);
    let opening = format!("{fence} example");
    let mut out = Vec::new();
    let mut current: Option<(usize, String)> = None;
    let mut in_markdown = false;
    for (index, line) in spec.lines().enumerate() {
        if line == opening {
            current = Some((index + 1, String::new()));
            in_markdown = true;
        } else if line == fence {
            if let Some((line, markdown)) = current.take() {
                out.push(Example {
                    number: out.len() + 1,
                    line,
                    markdown,
                });
            }
        } else if let Some((_, markdown)) = &mut current
            && in_markdown
        {
            if line == "." {
                in_markdown = false;
            } else {
                markdown.push_str(&line.replace('→', "\t"));
                markdown.push('\n');
            }
        }
    }
    out
}

#[test]
fn every_commonmark_example_exports_to_pdf_and_epub() {
    let path = spec_path();
    let Ok(spec) = std::fs::read_to_string(&path) else {
        println!(
            "SKIPPED: no CommonMark spec at {} (set MDG_COMMONMARK_SPEC)",
            path.display()
        );
        return;
    };
    let examples = examples(&spec);
    assert!(examples.len() > 600, "{} examples found", examples.len());

    // Two threads, each taking every other example: the machine's cores.
    let failures: Vec<String> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..2)
            .map(|worker| {
                let examples = &examples;
                scope.spawn(move || {
                    let mut failures = Vec::new();
                    for example in examples.iter().skip(worker).step_by(2) {
                        let result = std::panic::catch_unwind(|| check(&example.markdown));
                        if let Err(panic) = result {
                            let reason = panic
                                .downcast_ref::<String>()
                                .cloned()
                                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                                .unwrap_or_default();
                            failures.push(format!(
                                "example {} (spec line {}): {reason}\n{}",
                                example.number, example.line, example.markdown
                            ));
                        }
                    }
                    failures
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().expect("a worker"))
            .collect()
    });
    assert!(
        failures.is_empty(),
        "{} of {} examples failed:\n{}",
        failures.len(),
        examples.len(),
        failures.join("\n")
    );

    // All of them as one document.
    let all: String = examples
        .iter()
        .map(|e| format!("{}\n\n", e.markdown))
        .collect();
    check(&all);
    println!("{} CommonMark examples exported", examples.len());
}

/// Exports one document; panics if it does not read back. A document
/// error (an image the example names that is not there) is fine.
fn check(markdown: &str) {
    let Ok(warned) = export_text(markdown, Path::new("/nonexistent-mdg-images")) else {
        return;
    };
    assert_pdf_parses(warned.output.pdf.as_deref().expect("a PDF"));
    assert_epub_well_formed(warned.output.epub.as_deref().expect("an EPUB"));
}

#[test]
fn examples_are_cut_from_the_spec_format() {
    let fence = "`".repeat(32);
    let spec = format!(
        "Intro\n\n{fence} example\n→foo\n.\n<pre>foo</pre>\n{fence}\n\n\
         {fence} example\n# a\n\nb\n.\n<h1>a</h1>\n{fence}\n"
    );
    let found = examples(&spec);
    assert_eq!(found.len(), 2);
    assert_eq!(found[0].markdown, "\tfoo\n");
    assert_eq!(found[1].markdown, "# a\n\nb\n");
    assert_eq!(found[1].line, 9);
}
