//! The built-in document: the summit text, its banner and nothing else,
//! compiled into the binary so `mdg-export pdf` works from any folder.

use crate::assets::EmbeddedSource;

/// The short name of the built-in document (`out/toppmotet.pdf`).
pub const NAME: &str = "toppmotet";

/// The Markdown source.
pub const MARKDOWN: &str = include_str!("../content/toppmotet.md");

/// The banner, as it stands in `content/`.
pub const BANNER: &[u8] = include_bytes!("../content/banner.svg");

/// Serves the built-in document's images.
pub fn assets() -> EmbeddedSource {
    let mut source = EmbeddedSource::default();
    source.files.insert("banner.svg", BANNER);
    source
}
