//! `--sandbox`: nothing is read outside the input file's folder; and the
//! tool never opens a network connection, sandbox or not.

mod common;

use common::{run_mdg, stderr_of};
use std::path::Path;

/// A folder `doc/` holding `doc.md` (image on line 3) and a PNG beside
/// the folder, outside it.
fn setup(image: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("doc")).unwrap();
    std::fs::write(dir.path().join("ute.png"), png_bytes()).unwrap();
    std::fs::write(dir.path().join("doc/inne.png"), png_bytes()).unwrap();
    std::fs::write(
        dir.path().join("doc/doc.md"),
        format!("# Rubrik\n\n![Bild]({image})\n"),
    )
    .unwrap();
    dir
}

fn png_bytes() -> Vec<u8> {
    let mut bytes = Vec::new();
    let mut encoder = png::Encoder::new(&mut bytes, 2, 2);
    encoder.set_color(png::ColorType::Grayscale);
    let mut writer = encoder.write_header().unwrap();
    writer.write_image_data(&[0, 255, 255, 0]).unwrap();
    writer.finish().unwrap();
    bytes
}

/// Runs `pdf doc/doc.md --sandbox` and checks it was refused at line 3.
fn assert_refused(dir: &Path, reason: &str) {
    let output = run_mdg(dir, &["pdf", "doc/doc.md", "--sandbox", "-o", "x.pdf"]);
    let err = stderr_of(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(err.contains("doc/doc.md:3:1"), "{err}");
    assert!(err.contains(reason), "{err}");
    assert!(err.contains("hint: --sandbox"), "{err}");
    assert!(!dir.join("x.pdf").exists());
}

#[test]
fn parent_paths_are_refused_in_the_sandbox_and_allowed_outside_it() {
    let dir = setup("../ute.png");
    assert_refused(dir.path(), "outside the input's folder");
    // The same document without --sandbox reads the image.
    let output = run_mdg(dir.path(), &["pdf", "doc/doc.md", "-o", "x.pdf"]);
    assert!(output.status.success(), "{}", stderr_of(&output));
}

#[test]
fn escaped_parent_paths_are_refused_too() {
    let dir = setup("%2e%2e/ute.png");
    assert_refused(dir.path(), "outside the input's folder");
    let dir = setup("inne/../../ute.png");
    assert_refused(dir.path(), "outside the input's folder");
}

#[test]
fn absolute_paths_are_refused_in_the_sandbox() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("abs.png"), png_bytes()).unwrap();
    let absolute = outside.path().join("abs.png");
    let dir = setup(absolute.to_str().unwrap());
    assert_refused(dir.path(), "outside the input's folder");
    let output = run_mdg(dir.path(), &["pdf", "doc/doc.md", "-o", "x.pdf"]);
    assert!(output.status.success(), "{}", stderr_of(&output));
}

#[test]
fn symlinks_leading_out_are_refused_and_those_inside_followed() {
    let dir = setup("länk.png");
    std::os::unix::fs::symlink("../ute.png", dir.path().join("doc/länk.png")).unwrap();
    assert_refused(dir.path(), "a link that leads outside");
    // A link to a folder outside, then a file in it.
    let dir = setup("mapp/ute.png");
    std::os::unix::fs::symlink("..", dir.path().join("doc/mapp")).unwrap();
    assert_refused(dir.path(), "a link that leads outside");
    // A link that stays inside is fine.
    let dir = setup("kort.png");
    std::os::unix::fs::symlink("inne.png", dir.path().join("doc/kort.png")).unwrap();
    let output = run_mdg(
        dir.path(),
        &["pdf", "doc/doc.md", "--sandbox", "-o", "x.pdf"],
    );
    assert!(output.status.success(), "{}", stderr_of(&output));
}

#[test]
fn images_inside_the_folder_are_read_in_the_sandbox() {
    let dir = setup("inne.png");
    let output = run_mdg(dir.path(), &["all", "doc/doc.md", "--sandbox"]);
    let err = stderr_of(&output);
    assert!(output.status.success(), "{err}");
    // (The document declares no language: the one warning says so.)
    let warnings: Vec<&str> = err.lines().filter(|l| l.starts_with("warning:")).collect();
    assert_eq!(
        warnings,
        [
            "warning: no accessibility claim (PDF/UA-1, PDF/A-2a, WCAG 2.2 AA): \
          the document's language is not declared"
        ],
        "{err}"
    );
}

#[test]
fn the_sources_hold_no_networking_code() {
    // By design: no HTTP client in the dependencies, no socket in our code.
    // (The remote-image test in bad_input.rs shows a URL is not fetched.)
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let lock = std::fs::read_to_string(root.join("Cargo.lock")).unwrap();
    for client in [
        "\"reqwest\"",
        "\"ureq\"",
        "\"hyper\"",
        "\"curl\"",
        "\"attohttpc\"",
        "\"isahc\"",
    ] {
        assert!(
            !lock.contains(&format!("name = {client}")),
            "{client} in Cargo.lock"
        );
    }
    let mut stack = vec![root.join("src")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                for needle in ["std::net", "TcpStream", "UdpSocket", "ToSocketAddrs"] {
                    assert!(!text.contains(needle), "{} uses {needle}", path.display());
                }
            }
        }
    }
}

#[test]
fn a_run_without_any_network_succeeds() {
    // In a network namespace of its own (no interface but a down loopback)
    // the export of a document with remote images works the same.
    let probe = std::process::Command::new("unshare")
        .args(["-n", "true"])
        .output();
    if !probe.is_ok_and(|o| o.status.success()) {
        println!("SKIPPED: `unshare -n` is not available here");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("doc.md"),
        "# Rubrik\n\n![Karta](https://example.org/karta.png)\n",
    )
    .unwrap();
    let output = std::process::Command::new("unshare")
        .arg("-n")
        .arg(env!("CARGO_BIN_EXE_mdg-export"))
        .args(["all", "doc.md"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let err = stderr_of(&output);
    assert!(output.status.success(), "{err}");
    assert!(err.contains("remote image"), "{err}");
    assert!(dir.path().join("out/doc.pdf").is_file());
}

/// An image written as HTML (`<img>`, the usual way to size one in a
/// README) obeys the same rules, refused at its own line.
#[test]
fn images_written_as_html_are_sandboxed_too() {
    let dir = setup("inne.png");
    let write = |markdown: &str| std::fs::write(dir.path().join("doc/doc.md"), markdown).unwrap();
    let refused_at = |place: &str| {
        let output = run_mdg(
            dir.path(),
            &["pdf", "doc/doc.md", "--sandbox", "-o", "x.pdf"],
        );
        let err = stderr_of(&output);
        assert_eq!(output.status.code(), Some(1), "{err}");
        assert!(err.contains(place), "{err}");
        assert!(err.contains("outside the input's folder"), "{err}");
    };
    write("# Rubrik\n\n<img src=\"../ute.png\" alt=\"Bild\" width=\"40\">\n");
    refused_at("doc/doc.md:3:1");
    write("# Rubrik\n\nText <img src=\"../ute.png\" alt=\"Bild\"> här.\n");
    refused_at("doc/doc.md:3:6");
    write("# Rubrik\n\n<p align=\"center\">\n  <img src=\"%2e%2e/ute.png\">\n</p>\n");
    refused_at("doc/doc.md:4:1");
    // In a quote, whose `> ` the block's text has lost: still its line.
    write(
        "# Rubrik\n\n> <p align=\"center\">\n>   <a href=\"https://x.org\">\n\
         >     <img src=\"../ute.png\">\n>   </a>\n> </p>\n",
    );
    refused_at("doc/doc.md:5:1");
    // Without --sandbox the image is read.
    let output = run_mdg(dir.path(), &["pdf", "doc/doc.md", "-o", "x.pdf"]);
    assert!(output.status.success(), "{}", stderr_of(&output));
}
