//! Golden dumps of the document model: `tests/cases/NAME.md` is parsed and
//! its model dump compared with `tests/cases/NAME.model`. The summit text
//! (`content/toppmotet.md`) is one of the cases.
//!
//! `UPDATE_GOLDEN=1 cargo test --test golden` rewrites the references. A
//! missing reference is written and the test fails, so a new reference is
//! never accepted silently.

use std::path::{Path, PathBuf};

fn check(markdown: &Path, reference: &Path) -> Result<(), String> {
    let text = std::fs::read_to_string(markdown).map_err(|e| e.to_string())?;
    let name = markdown.file_stem().unwrap().to_string_lossy().into_owned();
    let parsed = mdg_export::parse::parse(&text, &mdg_export::parse::ParseOptions { name })
        .map_err(|errors| format!("{}: {errors:?}", markdown.display()))?;
    let mut dump = parsed.output.dump();
    for warning in &parsed.warnings {
        let at = mdg_export::diag::line_col(&text, warning.span.start);
        dump.push_str(&format!(
            "warning {}:{} {}\n",
            at.line, at.column, warning.message
        ));
    }
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    match std::fs::read_to_string(reference) {
        Ok(expected) if expected == dump => Ok(()),
        Ok(_) if update => std::fs::write(reference, &dump).map_err(|e| e.to_string()),
        Ok(expected) => Err(format!(
            "{} differs from {}:\n--- expected\n{expected}\n--- actual\n{dump}",
            markdown.display(),
            reference.display()
        )),
        Err(_) => {
            std::fs::write(reference, &dump).map_err(|e| e.to_string())?;
            if update {
                Ok(())
            } else {
                Err(format!(
                    "new reference {} written; check it and run again",
                    reference.display()
                ))
            }
        }
    }
}

#[test]
fn models_match_their_references() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut cases: Vec<(PathBuf, PathBuf)> = std::fs::read_dir(root.join("tests/cases"))
        .unwrap()
        .filter_map(|entry| {
            let path = entry.ok()?.path();
            (path.extension()? == "md").then(|| {
                let reference = path.with_extension("model");
                (path, reference)
            })
        })
        .collect();
    cases.push((
        root.join("content/toppmotet.md"),
        root.join("tests/cases/toppmotet.model"),
    ));
    cases.sort();
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|(md, reference)| check(md, reference).err())
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    assert!(cases.len() >= 2);
}
