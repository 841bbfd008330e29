//! Exports a Markdown file to PDF and EPUB the way `mdg-export all` does,
//! except that every local image is the same small placeholder picture.
//!
//! For test corpora such as the CommonMark specification's examples,
//! whose images (`/url`, `train.jpg`) point at files that do not exist:
//! the CLI rightly refuses such a document, but the validators should
//! still see every construct in it. Remote images stay remote (not
//! fetched, as always).
//!
//! Usage: `cargo run --example corpus -- INPUT.md OUT_DIR`; writes
//! `OUT_DIR/<stem>.pdf` and `OUT_DIR/<stem>.epub`, prints how many
//! warnings there were, and exits with 1 if the document has errors.

use mdg_export::assets::AssetSource;
use mdg_export::fonts::FontSet;
use mdg_export::{ExportOptions, export};
use std::path::PathBuf;
use std::process::ExitCode;

/// Serves one grey 4 × 3 PNG for every image.
struct Placeholder(Vec<u8>);

impl Placeholder {
    fn new() -> Placeholder {
        let mut bytes = Vec::new();
        let mut encoder = png::Encoder::new(&mut bytes, 4, 3);
        encoder.set_color(png::ColorType::Grayscale);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header().expect("a PNG header is written");
        writer
            .write_image_data(&[160; 12])
            .expect("12 grey pixels are written");
        writer.finish().expect("the PNG is finished");
        Placeholder(bytes)
    }
}

impl AssetSource for Placeholder {
    fn read(&self, _url: &str) -> Result<Vec<u8>, (String, String)> {
        Ok(self.0.clone())
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [input, out_dir] = args.as_slice() else {
        eprintln!("usage: cargo run --example corpus -- INPUT.md OUT_DIR");
        return ExitCode::from(2);
    };
    let input = PathBuf::from(input);
    let text = match std::fs::read_to_string(&input) {
        Ok(text) => text,
        Err(err) => {
            eprintln!("error: cannot read {}: {err}", input.display());
            return ExitCode::from(2);
        }
    };
    let name = input
        .file_stem()
        .map_or("corpus".into(), |stem| stem.to_string_lossy().into_owned());
    let options = ExportOptions {
        name: name.clone(),
        pdf: true,
        epub: true,
        source_date_epoch: std::env::var("SOURCE_DATE_EPOCH")
            .ok()
            .and_then(|s| s.parse().ok()),
        ..ExportOptions::default()
    };
    let warned = match export(&text, &Placeholder::new(), &FontSet::built_in(), &options) {
        Ok(warned) => warned,
        Err(errors) => {
            for error in &errors {
                eprintln!("error: {} (at byte {})", error.message, error.span.start);
            }
            return ExitCode::from(1);
        }
    };
    for (extension, bytes) in [("pdf", &warned.output.pdf), ("epub", &warned.output.epub)] {
        let path = PathBuf::from(out_dir).join(format!("{name}.{extension}"));
        let Some(bytes) = bytes else { continue };
        if let Err(err) = std::fs::write(&path, bytes) {
            eprintln!("error: cannot write {}: {err}", path.display());
            return ExitCode::from(2);
        }
        println!("wrote {} ({} bytes)", path.display(), bytes.len());
    }
    let pages = warned.output.pdf_stats.map_or(0, |(pages, _)| pages);
    println!("{pages} PDF pages, {} warnings", warned.warnings.len());
    ExitCode::SUCCESS
}
