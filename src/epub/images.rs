//! Which images go into the package, and under what names.
//!
//! Every loaded asset the document uses goes in once, as
//! `images/img-N.<ext>`, numbered in [`Assets::iter`] order so the names do
//! not depend on where in the text an image is first used.

use crate::assets::{Asset, Assets};
use crate::model::{Block, Document, Image, Inline};
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
    cover: Option<usize>,
    /// Whether every image reference has a non-empty alt text.
    pub all_described: bool,
}

impl<'a> Images<'a> {
    /// Picks the assets `doc` uses; URLs without an asset (remote or
    /// unreadable images) are left out and shown as their alt text.
    pub fn collect(doc: &'a Document, assets: &'a Assets) -> Images<'a> {
        let mut used: Vec<&Image> = Vec::new();
        if let Some(cover) = &doc.cover {
            used.push(cover);
        }
        collect_blocks(&doc.blocks, &mut used);
        for note in &doc.footnotes {
            collect_blocks(&note.blocks, &mut used);
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
        images.cover = doc
            .cover
            .as_ref()
            .and_then(|cover| images.by_url.get(cover.url.as_str()).copied());
        images
    }

    /// The file for an image URL, if its asset was loaded.
    pub fn get(&self, url: &str) -> Option<&ImageFile<'a>> {
        self.by_url.get(url).map(|&n| &self.files[n])
    }

    /// The cover image, if the document has one and it was loaded.
    pub fn cover(&self) -> Option<&ImageFile<'a>> {
        self.cover.map(|n| &self.files[n])
    }

    /// All image files, in package order.
    pub fn files(&self) -> &[ImageFile<'a>] {
        &self.files
    }

    /// Whether the cover is image file number `index` of [`Images::files`].
    pub fn is_cover(&self, index: usize) -> bool {
        self.cover == Some(index)
    }
}

fn collect_blocks<'a>(blocks: &'a [Block], out: &mut Vec<&'a Image>) {
    for block in blocks {
        match block {
            Block::Heading { content, .. } | Block::Paragraph { content, .. } => {
                collect_inlines(content, out)
            }
            Block::Figure { image, .. } => out.push(image),
            Block::List { items, .. } => {
                for item in items {
                    collect_blocks(&item.blocks, out);
                }
            }
            Block::Quote { blocks, .. } => collect_blocks(blocks, out),
            Block::Table { head, rows, .. } => {
                for cell in head.iter().chain(rows.iter().flatten()) {
                    collect_inlines(cell, out);
                }
            }
            Block::Code { .. } | Block::Rule { .. } | Block::Html { .. } => {}
        }
    }
}

fn collect_inlines<'a>(inlines: &'a [Inline], out: &mut Vec<&'a Image>) {
    for inline in inlines {
        match inline {
            Inline::Image(image) => out.push(image),
            Inline::Emph(children, _)
            | Inline::Strong(children, _)
            | Inline::Strike(children, _) => collect_inlines(children, out),
            Inline::Link { content, .. } => collect_inlines(content, out),
            Inline::Text(..)
            | Inline::Code(..)
            | Inline::FootnoteRef { .. }
            | Inline::SoftBreak(_)
            | Inline::HardBreak(_)
            | Inline::Html(..) => {}
        }
    }
}
