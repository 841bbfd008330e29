//! Runs the fuzz check on files or folders of inputs (a crash AFL++
//! found, or its whole queue), without AFL++: `cargo run --bin replay --
//! fuzz/out/default/crashes`. Prints each file before it runs, so the
//! last name printed is the one that panicked. `--target front_matter`,
//! `svg` or `html` first replays a direct target's findings instead of the
//! pipeline's.

use std::path::{Path, PathBuf};

fn main() {
    let mut args: Vec<_> = std::env::args_os().skip(1).collect();
    let mut check: fn(&[u8]) = mdg_export_fuzz::check;
    if args.first().is_some_and(|arg| arg == "--target") && args.len() > 1 {
        check = match args[1].to_str() {
            Some("pipeline") => mdg_export_fuzz::check,
            Some("front_matter") => mdg_export_fuzz::check_front_matter,
            Some("svg") => mdg_export_fuzz::check_svg,
            Some("html") => mdg_export_fuzz::check_html,
            other => panic!("no fuzz target {other:?}: pipeline, front_matter, svg or html"),
        };
        args.drain(..2);
    }
    let mut files = Vec::new();
    for arg in &args {
        collect(Path::new(arg), &mut files);
    }
    files.sort();
    for file in &files {
        eprintln!("{}", file.display());
        let data = std::fs::read(file).unwrap_or_else(|err| panic!("{}: {err}", file.display()));
        check(&data);
    }
    eprintln!("{} inputs, no failure", files.len());
}

fn collect(path: &Path, files: &mut Vec<PathBuf>) {
    if path.is_dir() {
        let entries =
            std::fs::read_dir(path).unwrap_or_else(|err| panic!("{}: {err}", path.display()));
        for entry in entries.flatten() {
            collect(&entry.path(), files);
        }
    } else if path.is_file() {
        files.push(path.to_path_buf());
    }
}
