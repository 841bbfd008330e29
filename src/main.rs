//! The `mdg-export` command: arguments → library → files and messages.
//!
//! The only place that prints, exits or writes output files.

/// Writes a line to standard error, and goes on if it cannot: a closed
/// stderr (`2>&1 | head -1`) must not stop the files from being written.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

mod cli;
mod output;

use clap::Parser;
use cli::{Cli, Command, Common};
use mdg_export::{
    AssetSource, Diagnostic, ExportOptions, FolderSource, FontSet, Severity, builtin, line_col,
    source_line,
};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Exit code: the document has errors.
const EXIT_DOCUMENT: u8 = 1;
/// Exit code: usage or I/O error.
const EXIT_IO: u8 = 2;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            let code = if err.use_stderr() { EXIT_IO } else { 0 };
            let _ = err.print();
            return ExitCode::from(code);
        }
    };
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(code) => ExitCode::from(code),
    }
}

/// Where the Markdown comes from.
struct Input {
    /// Name shown in messages.
    display: String,
    /// Short name for outputs.
    name: String,
    text: String,
    /// The input file, to refuse writing over it.
    path: Option<PathBuf>,
    source: Box<dyn AssetSource>,
}

fn run(cli: Cli) -> Result<(), u8> {
    let (common, targets) = match &cli.command {
        Command::Pdf { common, output } => (common, Targets::Pdf(output.clone())),
        Command::Epub { common, output } => (common, Targets::Epub(output.clone())),
        Command::All { common, out_dir } => (common, Targets::All(out_dir.clone())),
    };
    let input = read_input(common)?;
    let fonts = match &common.font_dir {
        Some(dir) => FontSet::with_dir(dir).map_err(|err| {
            say!("error: {err}");
            say!("  = hint: --font-dir takes a folder with regular.otf, bold.otf … (or .ttf)");
            EXIT_IO
        })?,
        None => FontSet::built_in(),
    };
    let fonts = match &common.fallback_font {
        Some(file) => fonts.with_fallback(file).map_err(|err| {
            say!("error: {err}");
            say!("  = hint: --fallback-font takes an OpenType or TrueType font file");
            EXIT_IO
        })?,
        None => fonts,
    };
    let options = ExportOptions {
        name: input.name.clone(),
        lang: common.lang.clone(),
        title: common.title.clone(),
        pdf: !matches!(targets, Targets::Epub(_)),
        epub: !matches!(targets, Targets::Pdf(_)),
        layout: mdg_export::LayoutOptions {
            paper: common.paper.into(),
            toc: match (common.toc, common.no_toc) {
                (true, _) => Some(true),
                (_, true) => Some(false),
                _ => None,
            },
        },
        print: mdg_export::PrintOptions {
            booklet: common.booklet,
            bleed: common.bleed.unwrap_or(0.0),
            crop_marks: common.crop_marks,
        },
        source_date_epoch: std::env::var("SOURCE_DATE_EPOCH")
            .ok()
            .and_then(|v| v.trim().parse().ok()),
    };

    // Decide and check every destination before the work starts.
    let destinations = targets.destinations(&input.name);
    for (_, path) in &destinations {
        output::check_destination(path, input.path.as_deref()).map_err(|message| {
            say!("error: {message}");
            EXIT_IO
        })?;
    }

    let result = mdg_export::export(&input.text, input.source.as_ref(), &fonts, &options);
    let warned = match result {
        Ok(warned) => warned,
        Err(errors) => {
            report_all(&errors, &input, common.verbose);
            say!(
                "error: {} not exported because of {} error{}",
                input.display,
                errors.len(),
                if errors.len() == 1 { "" } else { "s" }
            );
            return Err(EXIT_DOCUMENT);
        }
    };
    if !common.quiet || common.deny_warnings {
        report_all(&warned.warnings, &input, common.verbose);
    }
    if common.deny_warnings && !warned.warnings.is_empty() {
        say!("error: nothing written: warnings are errors (--deny-warnings)");
        return Err(EXIT_DOCUMENT);
    }
    if common.stats
        && let Some((pages, stats)) = &warned.output.pdf_stats
    {
        print_stats(*pages, stats);
    }
    for (format, path) in &destinations {
        let bytes = match format {
            Format::Pdf => warned.output.pdf.as_deref(),
            Format::Epub => warned.output.epub.as_deref(),
        };
        let Some(bytes) = bytes else { continue };
        output::write_atomically(path, bytes).map_err(|message| {
            say!("error: {message}");
            EXIT_IO
        })?;
    }
    Ok(())
}

fn read_input(common: &Common) -> Result<Input, u8> {
    let Some(path) = &common.input else {
        return Ok(Input {
            display: "the built-in document".into(),
            name: builtin::NAME.into(),
            text: builtin::MARKDOWN.into(),
            path: None,
            source: Box::new(builtin::assets()),
        });
    };
    let (display, bytes, base, file) = if path.as_os_str() == "-" {
        let mut bytes = Vec::new();
        std::io::stdin().read_to_end(&mut bytes).map_err(|err| {
            say!("error: cannot read standard input: {err}");
            EXIT_IO
        })?;
        let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
        ("<stdin>".to_string(), bytes, cwd, None)
    } else {
        let bytes = std::fs::read(path).map_err(|err| {
            say!("error: cannot read {}: {}", path.display(), io_reason(&err));
            say!(
                "  = hint: give the path of a Markdown file, or no INPUT for the built-in document"
            );
            EXIT_IO
        })?;
        let base = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
        (path.display().to_string(), bytes, base, Some(path.clone()))
    };
    let name = file.as_ref().and_then(|p| p.file_stem()).map_or_else(
        || "document".to_string(),
        |s| s.to_string_lossy().into_owned(),
    );
    let text = match mdg_export::decode_source(bytes) {
        Ok(text) => text,
        Err(diagnostic) => {
            say!("error: {display}: {}", diagnostic.message);
            for hint in &diagnostic.hints {
                say!("  = hint: {hint}");
            }
            return Err(EXIT_DOCUMENT);
        }
    };
    Ok(Input {
        display,
        name,
        text,
        path: file,
        source: Box::new(FolderSource {
            base,
            sandbox: common.sandbox,
        }),
    })
}

fn io_reason(err: &std::io::Error) -> String {
    match err.kind() {
        std::io::ErrorKind::NotFound => "no such file".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => err.to_string(),
    }
}

/// Prints a diagnostic as `error: message`, `--> file:line:col`, the
/// source line with a marker, and the hints.
/// Prints diagnostics; one said at many places is printed in full once,
/// then as a count with its first few locations (all of them with
/// `--verbose`).
fn report_all(diagnostics: &[Diagnostic], input: &Input, verbose: bool) {
    /// A group this small is printed whole: a count would save nothing.
    const SHOWN_WHOLE: usize = 2;
    /// Locations named in a group's summary line.
    const LOCATIONS: usize = 3;
    for group in mdg_export::group_repeated(diagnostics) {
        report(group.first, input);
        if verbose || group.others.len() <= SHOWN_WHOLE {
            for other in &group.others {
                report(other, input);
            }
            continue;
        }
        let places: Vec<String> = group
            .others
            .iter()
            .take(LOCATIONS)
            .map(|d| {
                let at = line_col(&input.text, d.span.start);
                format!("{}:{}:{}", input.display, at.line, at.column)
            })
            .collect();
        let more = group.others.len() - places.len();
        let label = if group.first.is_error() {
            "error"
        } else {
            "warning"
        };
        say!(
            "{label}: the same {} more time{}: {}{} (--verbose shows each)",
            group.others.len(),
            if group.others.len() == 1 { "" } else { "s" },
            places.join(", "),
            if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            },
        );
    }
}

fn report(diagnostic: &Diagnostic, input: &Input) {
    let label = match diagnostic.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    say!("{label}: {}", diagnostic.message);
    if diagnostic.span.is_detached() {
        say!("  --> {}", input.display);
    } else {
        let at = line_col(&input.text, diagnostic.span.start);
        say!("  --> {}:{}:{}", input.display, at.line, at.column);
        let (line, column) = excerpt(source_line(&input.text, at.line), at.column);
        let number = at.line.to_string();
        let pad = " ".repeat(number.len());
        say!("{pad} |");
        say!("{number} | {line}");
        say!("{pad} | {}^", " ".repeat(column.saturating_sub(1)));
    }
    for hint in &diagnostic.hints {
        say!("  = hint: {hint}");
    }
}

/// The part of a source line shown under a message: all of it, or for a
/// long line (a 10 000-level `> > > …`) the characters around `column`
/// with `…` where it was cut. Returns the text and the column in it.
fn excerpt(line: &str, column: usize) -> (String, usize) {
    const WIDTH: usize = 100;
    let chars: Vec<char> = line.chars().collect();
    if chars.len() <= WIDTH {
        return (line.to_string(), column);
    }
    let at = column.saturating_sub(1).min(chars.len());
    let start = at.saturating_sub(WIDTH / 2).min(chars.len() - WIDTH);
    let end = start + WIDTH;
    let mut text = String::new();
    let mut column = at - start + 1;
    if start > 0 {
        text.push('…');
        column += 1;
    }
    text.extend(&chars[start..end]);
    if end < chars.len() {
        text.push('…');
    }
    (text, column)
}

/// Prints `--stats`: how the text was set.
fn print_stats(pages: usize, stats: &mdg_export::Stats) {
    let percent = |n: usize| {
        if stats.lines == 0 {
            0.0
        } else {
            100.0 * n as f32 / stats.lines as f32
        }
    };
    say!("pages:                {pages}");
    say!("lines of running text: {}", stats.lines);
    say!(
        "hyphenated lines:     {} ({:.1} %), longest run {}",
        stats.hyphenated,
        percent(stats.hyphenated),
        stats.max_hyphen_run
    );
    say!("overfull lines:       {}", stats.overfull);
    say!("emergency paragraphs: {}", stats.emergency);
    say!(
        "kept together:        {} (widows, orphans, headings)",
        stats.keeps
    );
    if let Some((median, p95, spread)) = stats.spread() {
        say!(
            "word space:           median {median:.2} pt, 95th percentile {p95:.2} pt, spread {spread:.2}"
        );
    }
}

/// Which files a run writes.
enum Targets {
    Pdf(Option<PathBuf>),
    Epub(Option<PathBuf>),
    All(PathBuf),
}

#[derive(Clone, Copy)]
enum Format {
    Pdf,
    Epub,
}

impl Targets {
    fn destinations(&self, name: &str) -> Vec<(Format, PathBuf)> {
        let default = |ext: &str| PathBuf::from("out").join(format!("{name}.{ext}"));
        match self {
            Targets::Pdf(output) => vec![(
                Format::Pdf,
                output.clone().unwrap_or_else(|| default("pdf")),
            )],
            Targets::Epub(output) => vec![(
                Format::Epub,
                output.clone().unwrap_or_else(|| default("epub")),
            )],
            Targets::All(dir) => vec![
                (Format::Pdf, dir.join(format!("{name}.pdf"))),
                (Format::Epub, dir.join(format!("{name}.epub"))),
            ],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::excerpt;

    #[test]
    fn long_lines_are_cut_around_the_column() {
        assert_eq!(excerpt("kort rad", 3), ("kort rad".to_string(), 3));
        let line = format!("{}X{}", "a".repeat(500), "b".repeat(500));
        let (text, column) = excerpt(&line, 501);
        assert_eq!(text.chars().count(), 102);
        assert!(text.starts_with('…') && text.ends_with('…'));
        assert_eq!(text.chars().nth(column - 1), Some('X'));
        let (text, column) = excerpt(&line, 1);
        assert!(text.starts_with('a') && text.ends_with('…'));
        assert_eq!(column, 1);
        let (text, column) = excerpt(&line, 1001);
        assert!(text.starts_with('…') && text.ends_with('b'));
        assert_eq!(text.chars().nth(column - 1), Some('b'));
    }
}
