//! Outputs are written safely: a temporary file renamed into place, the
//! folder made if missing, clear errors for destinations that cannot be
//! written, nothing half-written, standard output for pipelines.

mod common;

use common::{assert_pdf_parses, run_mdg, stderr_of};
use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};

fn write_doc(dir: &Path) {
    std::fs::write(
        dir.join("doc.md"),
        "# Rubrik\n\nText med *kursiv* och **fetstil**, å ä ö.\n",
    )
    .unwrap();
}

fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn a_destination_under_a_file_is_a_clear_io_error() {
    let dir = tempfile::tempdir().unwrap();
    write_doc(dir.path());
    std::fs::write(dir.path().join("fil.txt"), "not a folder").unwrap();
    for args in [
        &["pdf", "doc.md", "-o", "fil.txt/doc.pdf"][..],
        &["epub", "doc.md", "-o", "fil.txt/under/doc.epub"],
        &["all", "doc.md", "--out-dir", "fil.txt"],
    ] {
        let output = run_mdg(dir.path(), args);
        let err = stderr_of(&output);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {err}");
        assert!(
            err.contains("fil.txt is a file, not a folder"),
            "{args:?}: {err}"
        );
    }
    assert_eq!(entries(dir.path()), ["doc.md", "fil.txt"]);
}

#[test]
fn a_destination_that_is_a_folder_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    write_doc(dir.path());
    std::fs::create_dir(dir.path().join("doc.pdf")).unwrap();
    let output = run_mdg(dir.path(), &["pdf", "doc.md", "-o", "doc.pdf"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr_of(&output).contains("is a folder"));
}

#[test]
fn missing_output_folders_are_created() {
    let dir = tempfile::tempdir().unwrap();
    write_doc(dir.path());
    let output = run_mdg(dir.path(), &["pdf", "doc.md", "-o", "a/b/c/doc.pdf"]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    assert_pdf_parses(&std::fs::read(dir.path().join("a/b/c/doc.pdf")).unwrap());
    let output = run_mdg(dir.path(), &["all", "doc.md", "--out-dir", "x/y"]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    assert_eq!(entries(&dir.path().join("x/y")), ["doc.epub", "doc.pdf"]);
}

#[test]
fn a_failure_while_writing_leaves_the_old_output_and_no_temporary_file() {
    // The file-size limit makes the write of the temporary file fail half
    // way (EFBIG; SIGXFSZ is ignored so the process sees the error).
    let dir = tempfile::tempdir().unwrap();
    write_doc(dir.path());
    std::fs::create_dir(dir.path().join("out")).unwrap();
    std::fs::write(dir.path().join("out/doc.pdf"), b"good old output").unwrap();
    let output = Command::new("sh")
        .arg("-c")
        .arg("trap '' XFSZ; ulimit -f 4; exec \"$0\" pdf doc.md")
        .arg(env!("CARGO_BIN_EXE_mdg-export"))
        .current_dir(dir.path())
        .output()
        .unwrap();
    let err = stderr_of(&output);
    assert_eq!(output.status.code(), Some(2), "{err}");
    assert!(err.contains("cannot write out/doc.pdf"), "{err}");
    assert_eq!(
        std::fs::read(dir.path().join("out/doc.pdf")).unwrap(),
        b"good old output"
    );
    assert_eq!(entries(&dir.path().join("out")), ["doc.pdf"]);
}

#[test]
fn a_fifo_is_written_into_not_replaced() {
    let dir = tempfile::tempdir().unwrap();
    write_doc(dir.path());
    let fifo = dir.path().join("rör");
    let made = Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        println!("SKIPPED: mkfifo is not available");
        return;
    }
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            std::fs::File::open(fifo)
                .unwrap()
                .read_to_end(&mut bytes)
                .unwrap();
            bytes
        })
    };
    let output = run_mdg(dir.path(), &["pdf", "doc.md", "-o", "rör"]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let bytes = reader.join().unwrap();
    assert_pdf_parses(&bytes);
    use std::os::unix::fs::FileTypeExt;
    assert!(std::fs::metadata(&fifo).unwrap().file_type().is_fifo());
    assert_eq!(entries(dir.path()), ["doc.md", "rör"]);
}

#[test]
fn standard_output_works_in_a_pipeline_that_closes_early() {
    let dir = tempfile::tempdir().unwrap();
    write_doc(dir.path());
    let mut child = Command::new(env!("CARGO_BIN_EXE_mdg-export"))
        .args(["epub", "doc.md", "-o", "-"])
        .current_dir(dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Like `| head -c 4`: read the magic, then close the pipe.
    let mut stdout = child.stdout.take().unwrap();
    let mut head = [0; 4];
    stdout.read_exact(&mut head).unwrap();
    drop(stdout);
    let output = child.wait_with_output().unwrap();
    assert_eq!(&head, b"PK\x03\x04");
    assert!(output.status.success(), "{}", stderr_of(&output));
    assert!(!dir.path().join("out").exists());

    // A whole pipeline through the shell: Markdown in, PDF out.
    let output = Command::new("sh")
        .arg("-c")
        .arg("cat doc.md | \"$0\" pdf - -o - | cat > piped.pdf")
        .arg(env!("CARGO_BIN_EXE_mdg-export"))
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr_of(&output));
    assert_pdf_parses(&std::fs::read(dir.path().join("piped.pdf")).unwrap());
}

#[test]
fn warnings_into_a_closed_standard_error_still_write_the_files() {
    // `mdg-export … 2>&1 | head -1`: the reader goes away after one line
    // of warnings. Printing the rest must not stop the export (it used to
    // panic with exit 101 and write nothing).
    let dir = tempfile::tempdir().unwrap();
    let text = "# Rubrik\n\n![](http://example.org/a.png) ![](http://example.org/b.png)\n\n[^x]\n";
    std::fs::write(dir.path().join("doc.md"), text).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_mdg-export"))
        .args(["all", "doc.md", "--verbose"])
        .current_dir(dir.path())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stderr.take());
    let status = child.wait().unwrap();
    assert!(status.success(), "{status:?}");
    assert_pdf_parses(&std::fs::read(dir.path().join("out/doc.pdf")).unwrap());
    assert!(dir.path().join("out/doc.epub").is_file());
}
