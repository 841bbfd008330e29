//! The built-in script faces (Arabic, Chinese, the Cyrillic and Greek
//! code face) are compiled in compressed and unpacked only for a document
//! that uses their script (issue 15: the summit's speed must not pay for
//! them). One test in its own process, since the unpacked faces are kept
//! for the process's life.

use mdg_export::fonts::{FaceRole, unpacked_scripts};
use mdg_export::{EmbeddedSource, ExportOptions, FontSet, builtin};

fn export(markdown: &str, source: &EmbeddedSource, fonts: &FontSet) {
    let options = ExportOptions {
        name: "doc".into(),
        pdf: true,
        epub: true,
        ..ExportOptions::default()
    };
    let outputs = mdg_export::export(markdown, source, fonts, &options)
        .expect("the document exports")
        .output;
    assert!(outputs.pdf.is_some() && outputs.epub.is_some());
}

#[test]
fn a_document_unpacks_only_the_script_faces_it_uses() {
    let fonts = FontSet::built_in();
    export(builtin::MARKDOWN, &builtin::assets(), &fonts);
    assert_eq!(
        unpacked_scripts(),
        [],
        "the summit text is Swedish and English"
    );

    let arabic = "---\ntitle: قمة\nlang: ar\n---\n\nالقضاء على الفقر المدقع والجوع.\n";
    export(arabic, &EmbeddedSource::default(), &fonts);
    let unpacked = unpacked_scripts();
    assert!(unpacked.contains(&FaceRole::Arabic), "{unpacked:?}");
    assert!(!unpacked.contains(&FaceRole::Cjk), "{unpacked:?}");
    assert!(!unpacked.contains(&FaceRole::CjkBold), "{unpacked:?}");
}
