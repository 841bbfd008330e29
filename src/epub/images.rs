//! Which images go into the package, and under what names.
//!
//! Every loaded asset the document uses goes in once, as
//! `images/img-N.<ext>`, numbered in [`Assets::iter`] order so the names do
//! not depend on where in the text an image is first used.

use crate::assets::{Asset, Assets};
use crate::model::{Document, Image};
use std::collections::{BTreeMap, BTreeSet};

/// One image file of the package.
#[derive(Debug)]
pub(super) struct ImageFile<'a> {
    /// Path inside the package folder, e.g. `images/img-1.svg`.
    pub href: String,
    /// The decoded image.
    pub asset: &'a Asset,
}

/// The package's images, by the URL written in the Markdown.
#[derive(Debug, Default)]
pub(super) struct Images<'a> {
    files: Vec<ImageFile<'a>>,
    by_url: BTreeMap<&'a str, usize>,
    /// Whether every image reference has a non-empty alt text.
    pub all_described: bool,
}

impl<'a> Images<'a> {
    /// Picks the assets `doc` uses; URLs without an asset (remote or
    /// unreadable images) are left out and shown as their alt text. The
    /// cover image is not one of them: the cover raster (see `cover`)
    /// shows it.
    pub fn collect(doc: &'a Document, assets: &'a Assets) -> Images<'a> {
        let mut used: Vec<&Image> = Vec::new();
        crate::model::collect_images(&doc.blocks, &mut used);
        for note in &doc.footnotes {
            crate::model::collect_images(&note.blocks, &mut used);
        }
        let urls: BTreeSet<&str> = used.iter().map(|image| image.url.as_str()).collect();
        let all_described = used.iter().all(|image| !image.alt.trim().is_empty());

        let mut images = Images {
            all_described,
            ..Images::default()
        };
        for asset in assets.iter() {
            if !urls.contains(asset.url.as_str()) {
                continue;
            }
            let n = images.files.len();
            images.files.push(ImageFile {
                href: format!("images/img-{}.{}", n + 1, asset.extension()),
                asset,
            });
            images.by_url.insert(asset.url.as_str(), n);
        }
        images
    }

    /// The file for an image URL, if its asset was loaded.
    pub fn get(&self, url: &str) -> Option<&ImageFile<'a>> {
        self.by_url.get(url).map(|&n| &self.files[n])
    }

    /// All image files, in package order.
    pub fn files(&self) -> &[ImageFile<'a>] {
        &self.files
    }
}
