//! Runs the fuzz check on files or folders of inputs (a crash AFL++
//! found, or its whole queue), without AFL++: `cargo run --bin replay --
//! fuzz/out/default/crashes`. Prints each file before it runs, so the
//! last name printed is the one that panicked.

use std::path::{Path, PathBuf};

fn main() {
    let mut files = Vec::new();
    for arg in std::env::args_os().skip(1) {
        collect(Path::new(&arg), &mut files);
    }
    files.sort();
    for file in &files {
        eprintln!("{}", file.display());
        let data = std::fs::read(file).unwrap_or_else(|err| panic!("{}: {err}", file.display()));
        mdg_export_fuzz::check(&data);
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
