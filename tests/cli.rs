//! The real binary, run in a temporary folder as a user would run it.

use std::path::Path;
use std::process::{Command, Output, Stdio};

fn mdg(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mdg-export"))
        .args(args)
        .current_dir(dir)
        .env_remove("SOURCE_DATE_EPOCH")
        .stdin(Stdio::null())
        .output()
        .expect("the binary runs")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn all_without_input_exports_the_built_in_document_into_out() {
    let dir = tempfile::tempdir().unwrap();
    let output = mdg(dir.path(), &["all"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let pdf = std::fs::read(dir.path().join("out/toppmotet.pdf")).unwrap();
    let epub = std::fs::read(dir.path().join("out/toppmotet.epub")).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    assert!(epub.starts_with(b"PK\x03\x04"));
    assert!(
        stderr(&output).is_empty(),
        "no warnings: {}",
        stderr(&output)
    );
}

#[test]
fn pdf_and_epub_write_to_the_given_files() {
    let dir = tempfile::tempdir().unwrap();
    let md = dir.path().join("rapport.md");
    std::fs::write(
        &md,
        "---\ntitle: Rapport\nlang: sv\n---\n\n# Inledning\n\nText med *kursiv* och **fetstil**.\n",
    )
    .unwrap();
    let output = mdg(dir.path(), &["pdf", "rapport.md"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(dir.path().join("out/rapport.pdf").is_file());
    let output = mdg(
        dir.path(),
        &["epub", "rapport.md", "-o", "böcker/rapport.epub"],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(dir.path().join("böcker/rapport.epub").is_file());
}

#[test]
fn dash_reads_standard_input_and_writes_standard_output() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_mdg-export"))
        .args(["pdf", "-", "-o", "-"])
        .current_dir(dir.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all("# Hej\n\nåäö\n".as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(output.stdout.starts_with(b"%PDF-"));
    assert!(!dir.path().join("out").exists(), "nothing written to disk");
}

#[test]
fn a_missing_input_file_is_an_io_error() {
    let dir = tempfile::tempdir().unwrap();
    let output = mdg(dir.path(), &["pdf", "finns-inte.md"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("finns-inte.md"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_missing_image_names_file_line_and_path_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("doc.md"),
        "# Rubrik\n\nText.\n\n![Bild](saknas.png)\n",
    )
    .unwrap();
    std::fs::create_dir(dir.path().join("out")).unwrap();
    std::fs::write(dir.path().join("out/doc.pdf"), b"good old output").unwrap();
    let output = mdg(dir.path(), &["pdf", "doc.md"]);
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    assert!(err.contains("doc.md:5:1"), "{err}");
    assert!(err.contains("saknas.png"), "{err}");
    assert!(err.contains("hint:"), "{err}");
    // The earlier good output is untouched, and no temporary file is left.
    assert_eq!(
        std::fs::read(dir.path().join("out/doc.pdf")).unwrap(),
        b"good old output"
    );
    assert_eq!(
        std::fs::read_dir(dir.path().join("out")).unwrap().count(),
        1
    );
}

#[test]
fn invalid_utf8_names_the_line_and_byte() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("latin1.md"), b"# Rubrik\n\nK\xF6ttbullar\n").unwrap();
    let output = mdg(dir.path(), &["pdf", "latin1.md"]);
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    assert!(err.contains("latin1.md"), "{err}");
    assert!(err.contains("line 3, byte 2"), "{err}");
}

#[test]
fn bad_front_matter_is_an_error_at_its_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("fm.md"),
        "---\ntitle: T\nkeywords: [a, b\n---\n\nText.\n",
    )
    .unwrap();
    let output = mdg(dir.path(), &["epub", "fm.md"]);
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    assert!(
        err.contains("fm.md:3:") || err.contains("fm.md:4:"),
        "{err}"
    );
    assert!(!dir.path().join("out/fm.epub").exists());
}

#[test]
fn unknown_keys_warn_and_deny_warnings_makes_them_errors() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("w.md"), "---\ntitel: T\n---\n\nText.\n").unwrap();
    let output = mdg(dir.path(), &["pdf", "w.md"]);
    assert!(output.status.success());
    let err = stderr(&output);
    assert!(
        err.contains("warning: unknown front-matter key `titel`"),
        "{err}"
    );
    assert!(err.contains("w.md:2:1"), "{err}");

    let output = mdg(
        dir.path(),
        &["pdf", "w.md", "-o", "strict.pdf", "--deny-warnings"],
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(!dir.path().join("strict.pdf").exists());

    let output = mdg(dir.path(), &["pdf", "w.md", "-o", "quiet.pdf", "--quiet"]);
    assert!(output.status.success());
    assert!(stderr(&output).is_empty());
}

#[test]
fn writing_over_the_input_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("self.md"), "Text.\n").unwrap();
    let output = mdg(dir.path(), &["pdf", "self.md", "-o", "self.md"]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("self.md")).unwrap(),
        "Text.\n"
    );
}

#[test]
fn help_documents_exit_codes_and_examples() {
    let dir = tempfile::tempdir().unwrap();
    let output = mdg(dir.path(), &["--help"]);
    assert!(output.status.success());
    let help = String::from_utf8_lossy(&output.stdout);
    assert!(help.contains("Exit codes"), "{help}");
    assert!(help.contains("mdg-export all"), "{help}");
    let output = mdg(dir.path(), &["--version"]);
    assert!(String::from_utf8_lossy(&output.stdout).contains(env!("CARGO_PKG_VERSION")));
    let output = mdg(dir.path(), &["pdf", "--paper", "a3"]);
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn two_processes_write_identical_files() {
    let dir = tempfile::tempdir().unwrap();
    let first = mdg(dir.path(), &["all", "--out-dir", "a"]);
    let second = mdg(dir.path(), &["all", "--out-dir", "b"]);
    assert!(first.status.success() && second.status.success());
    for name in ["toppmotet.pdf", "toppmotet.epub"] {
        let a = std::fs::read(dir.path().join("a").join(name)).unwrap();
        let b = std::fs::read(dir.path().join("b").join(name)).unwrap();
        assert!(a == b, "{name} differs between runs");
    }
}

#[test]
fn lang_sets_the_language_of_a_document_without_front_matter() {
    // A Swedish README has no front matter: `--lang sv` declares it
    // without editing the file.
    let dir = tempfile::tempdir().unwrap();
    let text = "# Riktlinjer\n\nDe här riktlinjerna vänder sig till \"alla\" medarbetare.\n";
    std::fs::write(dir.path().join("doc.md"), text).unwrap();

    let output = mdg(dir.path(), &["pdf", "doc.md", "-o", "en.pdf"]);
    assert!(output.status.success());
    assert!(
        stderr(&output).contains("give `--lang sv`"),
        "{}",
        stderr(&output)
    );

    let output = mdg(dir.path(), &["all", "doc.md", "--lang", "sv"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stderr(&output).is_empty(), "{}", stderr(&output));
    let pdf = lopdf::Document::load(dir.path().join("out/doc.pdf")).unwrap();
    let lang = pdf.catalog().unwrap().get(b"Lang").unwrap();
    assert_eq!(lang.as_str().unwrap(), b"sv");
    let epub = std::fs::File::open(dir.path().join("out/doc.epub")).unwrap();
    let mut epub = zip::ZipArchive::new(epub).unwrap();
    let mut texts = String::new();
    for i in 0..epub.len() {
        let mut file = epub.by_index(i).unwrap();
        if file.name().ends_with(".opf") || file.name().ends_with(".xhtml") {
            std::io::Read::read_to_string(&mut file, &mut texts).unwrap();
        }
    }
    assert!(texts.contains(">sv</dc:language>"), "{texts}");
    // Swedish quotation marks, from the Swedish typography.
    assert!(texts.contains("\u{201d}alla\u{201d}"), "{texts}");

    let output = mdg(dir.path(), &["pdf", "doc.md", "--lang", "svenska"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("`svenska` is not a language tag"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn title_names_a_document_that_names_itself_nowhere() {
    // A README that opens with a tagline and `###` features: no heading
    // names it, so the file name does, with a warning naming the fix.
    let dir = tempfile::tempdir().unwrap();
    let text = "<p align=\"center\"><b>A cat clone</b></p>\n\n### Syntax highlighting\n\n\
                Text.\n\n## How to use\n\nText.\n";
    std::fs::write(dir.path().join("README.md"), text).unwrap();
    let title = |pdf: &str| {
        let doc = lopdf::Document::load(dir.path().join(pdf)).unwrap();
        let info = doc.trailer.get(b"Info").unwrap().as_reference().unwrap();
        let title = doc.get_dictionary(info).unwrap().get(b"Title").unwrap();
        lopdf::decode_text_string(title).unwrap()
    };

    let output = mdg(dir.path(), &["pdf", "README.md", "-o", "a.pdf"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("the document has no title")
            && stderr(&output).contains("--title"),
        "{}",
        stderr(&output)
    );
    assert_eq!(title("a.pdf"), "README");

    let args = [
        "pdf",
        "README.md",
        "-o",
        "b.pdf",
        "--title",
        "bat",
        "--lang",
        "en",
    ];
    let output = mdg(dir.path(), &args);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(!stderr(&output).contains("no title"), "{}", stderr(&output));
    assert_eq!(title("b.pdf"), "bat");
}
