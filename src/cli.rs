//! The command line as the user types it (clap derive types only).

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

const EXAMPLES: &str = "\
Examples:
  mdg-export all                       the built-in summit text → out/toppmotet.pdf and .epub
  mdg-export pdf rapport.md            rapport.md → out/rapport.pdf
  mdg-export epub rapport.md -o bok.epub
  mdg-export pdf - -o - < in.md > out.pdf
  mdg-export all rapport.md --out-dir dist --paper a4

Exit codes:
  0  success (warnings may have been printed)
  1  the document has errors (or warnings, with --deny-warnings); nothing was written
  2  usage or I/O error (bad option, unreadable input, unwritable output)";

/// Turns Markdown into a print-ready PDF brochure and an accessible EPUB 3.
///
/// Without INPUT, the built-in document (the Swedish text of the UN summit
/// on the Millennium Development Goals) is exported.
#[derive(Debug, Parser)]
#[command(name = "mdg-export", version, after_help = EXAMPLES)]
pub struct Cli {
    /// What to make.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Make a PDF brochure.
    Pdf {
        /// Common options.
        #[command(flatten)]
        common: Common,
        /// Output file (`-` for standard output); default out/<name>.pdf.
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Make an EPUB 3 book.
    Epub {
        /// Common options.
        #[command(flatten)]
        common: Common,
        /// Output file (`-` for standard output); default out/<name>.epub.
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Make both, into one folder.
    All {
        /// Common options.
        #[command(flatten)]
        common: Common,
        /// Output folder; default `out`.
        #[arg(long, value_name = "DIR", default_value = "out")]
        out_dir: PathBuf,
    },
}

/// Options every subcommand takes.
#[derive(Debug, Args)]
pub struct Common {
    /// Markdown file to export (`-` for standard input); default: the
    /// built-in summit document.
    #[arg(value_name = "INPUT")]
    pub input: Option<PathBuf>,
    /// The document's language, over its front matter's `lang` (a BCP 47
    /// tag: sv, en, fr, ar, zh-Hans …): hyphenation, quotation marks, the
    /// tool's own words (contents, notes) and the language both files
    /// declare to screen readers and reading systems.
    #[arg(long, value_name = "TAG", value_parser = parse_lang)]
    pub lang: Option<String>,
    /// The document's title, over its front matter's `title` (by default
    /// its first heading, when no later heading stands above it, or else
    /// its file name): the cover, the PDF's and the EPUB's metadata.
    #[arg(long, value_name = "TEXT")]
    pub title: Option<String>,
    /// Paper size of the PDF.
    #[arg(long, value_enum, default_value_t = PaperArg::A5)]
    pub paper: PaperArg,
    /// Folder with fonts that replace built-in faces: regular.otf,
    /// italic.otf, bold.otf, bold-italic.otf, heading.otf, sans.otf,
    /// mono.otf (or .ttf).
    #[arg(long, value_name = "DIR")]
    pub font_dir: Option<PathBuf>,
    /// A font (.otf or .ttf) for the characters the other faces lack, in
    /// the PDF (CJK, emoji, symbols …).
    #[arg(long, value_name = "FILE")]
    pub fallback_font: Option<PathBuf>,
    /// Read nothing outside the input file's folder (no `..`, no absolute
    /// paths, no links leading out).
    #[arg(long)]
    pub sandbox: bool,
    /// Print no warnings.
    #[arg(short, long)]
    pub quiet: bool,
    /// Print every warning in full (by default a warning repeated at many
    /// places is printed once, with a count and its first locations).
    #[arg(short, long)]
    pub verbose: bool,
    /// Treat warnings as errors: write nothing and exit with 1.
    #[arg(long)]
    pub deny_warnings: bool,
    /// Add a table of contents after the cover (default: when the
    /// document has more than five headings of levels 1 and 2).
    #[arg(long, overrides_with = "no_toc")]
    pub toc: bool,
    /// Leave out the table of contents.
    #[arg(long)]
    pub no_toc: bool,
    /// Impose the PDF as a booklet: pages two-up on sheets twice as wide
    /// (A5 on A4, A4 on A3, Letter on Tabloid) in saddle-stitch order, to
    /// print on both sides flipping on the short edge, fold and staple.
    /// The booklet is a print file: no tags, links or bookmarks.
    #[arg(long, conflicts_with_all = ["bleed", "crop_marks"])]
    pub booklet: bool,
    /// Bleed around each PDF page for a print shop, with its unit (`3mm`,
    /// `0.125in`, `9pt`): sets BleedBox and TrimBox.
    #[arg(long, value_name = "LENGTH", value_parser = parse_bleed)]
    pub bleed: Option<f32>,
    /// Draw crop marks outside the trim (and the bleed) of each PDF page.
    #[arg(long)]
    pub crop_marks: bool,
    /// Print typesetting figures of the PDF (pages, lines, hyphens, word
    /// spacing) to standard error.
    #[arg(long)]
    pub stats: bool,
}

/// Reads `--lang`.
fn parse_lang(text: &str) -> Result<String, String> {
    if mdg_export::is_language_tag(text) {
        Ok(text.to_string())
    } else {
        Err(format!(
            "`{text}` is not a language tag; write e.g. sv, en, en-GB or zh-Hans"
        ))
    }
}

/// Points in a millimetre.
const MM: f32 = 72.0 / 25.4;

/// Reads `--bleed`: a length with its unit (`3mm`, `0.125in`, `9pt`) as
/// points, at most an inch.
fn parse_bleed(text: &str) -> Result<f32, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| c.is_ascii_alphabetic())
        .ok_or_else(|| format!("`{text}` has no unit; write e.g. 3mm, 0.125in or 9pt"))?;
    let (number, unit) = text.split_at(split);
    let value: f32 = number
        .trim()
        .parse()
        .map_err(|_| format!("`{text}` is not a length; write e.g. 3mm, 0.125in or 9pt"))?;
    let points = match unit.trim() {
        "mm" => value * MM,
        "cm" => value * 10.0 * MM,
        "in" => value * 72.0,
        "pt" => value,
        other => {
            return Err(format!("unknown unit `{other}`; use mm, cm, in or pt"));
        }
    };
    if !(0.0..=72.0).contains(&points) {
        return Err(format!("`{text}` is out of range (0 to 1 in)"));
    }
    Ok(points)
}

/// Paper sizes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PaperArg {
    /// 148 × 210 mm (brochure).
    A5,
    /// 210 × 297 mm.
    A4,
    /// 8.5 × 11 in.
    Letter,
}

impl From<PaperArg> for mdg_export::Paper {
    fn from(paper: PaperArg) -> Self {
        match paper {
            PaperArg::A5 => mdg_export::Paper::A5,
            PaperArg::A4 => mdg_export::Paper::A4,
            PaperArg::Letter => mdg_export::Paper::Letter,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::parse_bleed;

    #[test]
    fn bleed_lengths_take_units() {
        assert!((parse_bleed("3mm").unwrap() - 8.504).abs() < 0.01);
        assert!((parse_bleed("0.125in").unwrap() - 9.0).abs() < 0.001);
        assert_eq!(parse_bleed("9pt").unwrap(), 9.0);
        assert_eq!(parse_bleed(" 3 mm ").unwrap(), 3.0 * 72.0 / 25.4);
        assert!(parse_bleed("3").unwrap_err().contains("no unit"));
        assert!(
            parse_bleed("3furlong")
                .unwrap_err()
                .contains("unknown unit")
        );
        assert!(parse_bleed("-3mm").is_err());
        assert!(parse_bleed("5in").is_err());
    }
}
