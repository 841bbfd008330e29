//! The print edition's page numbers in the EPUB.
//!
//! Goes in: where each page of the PDF begins ([`PageAnchor`]s from the
//! one pagination both editions share) and the blocks in the EPUB's
//! reading order. Comes out: a [`PagePlan`] saying before which block (and
//! which word of it) each page-break marker goes. The renderer writes the
//! markers and reports where they landed; [`PageList`] then feeds the
//! `page-list` nav, the NCX `pageList` and the package metadata.
//!
//! Every page of the print edition gets exactly one marker, in page
//! order, even where the EPUB has no matching place: the PDF's cover is
//! the EPUB's cover page, its table of contents (and a title page when
//! there is no cover image) sits at the top of the EPUB's own contents
//! page, and a page whose start cannot be found shares the place of the
//! next page that can.

use crate::layout::PageAnchor;
use crate::model::Block;
use std::collections::BTreeMap;

/// A block as the renderer meets it: its source start and whether it is
/// running text (paragraph, heading) that a marker can go inside.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct BlockStart {
    /// Start byte of the block's source span.
    pub start: usize,
    /// A paragraph or heading: a marker can stand before any word.
    pub text: bool,
}

/// Lists `blocks` and the blocks nested in them (list items, quotes) in
/// the order the renderer writes them: each block, then what it holds.
pub(super) fn collect_block_starts(blocks: &[Block], out: &mut Vec<BlockStart>) {
    crate::model::for_each_block(blocks, &mut |block| out.push(block_start(block)));
}

/// What the renderer needs to know about one block.
pub(super) fn block_start(block: &Block) -> BlockStart {
    BlockStart {
        start: block.span().start,
        text: matches!(block, Block::Heading { .. } | Block::Paragraph { .. }),
    }
}

/// One page-break marker still to be written: the page's printed number
/// and the number of the block's words before it (0: before the block).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct Marker {
    /// Words of the block before the marker; [`usize::MAX`] for the end
    /// of the block's text.
    pub word: usize,
    /// The printed page number.
    pub page: usize,
}

/// Where each page's marker goes.
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct PagePlan {
    /// Page 1, when the EPUB has a cover page to carry it.
    pub cover: Option<usize>,
    /// Pages before the first page of running text (the PDF's table of
    /// contents; its title page when there is no cover image): they go at
    /// the top of the EPUB's contents page.
    pub front: Vec<usize>,
    /// Markers by the block they go in or before, numbered in reading
    /// order (the index into the [`BlockStart`] list); in page order.
    pub blocks: BTreeMap<usize, Vec<Marker>>,
}

/// Places the print edition's pages.
///
/// `starts` are the printed page numbers and where those pages begin, in
/// page order (page 1, the cover, has none); `order` the blocks in
/// reading order; `has_cover` whether the EPUB has a cover page. Pages
/// are never placed out of order: a page whose start would come before
/// the previous page's marker goes right after that marker.
pub(super) fn plan_pages(
    starts: &[(usize, PageAnchor)],
    order: &[BlockStart],
    has_cover: bool,
) -> PagePlan {
    let mut plan = PagePlan::default();
    let Some(&(first_body, _)) = starts.first() else {
        return plan;
    };
    let mut front_from = 1;
    if has_cover {
        plan.cover = Some(1);
        front_from = 2;
    }
    plan.front = (front_from..first_body).collect();

    // Each page's place, as (block, word), never before the last one.
    let mut places: Vec<(usize, Option<(usize, usize)>)> = Vec::with_capacity(starts.len());
    let mut floor = (0, 0);
    for &(page, anchor) in starts {
        let place = find_block(order, floor.0, anchor.block).map(|block| {
            let word = if order[block].text { anchor.word } else { 0 };
            (block, word).max(floor)
        });
        if let Some(place) = place {
            floor = place;
        }
        places.push((page, place));
    }
    // A page whose start was not found goes with the next page that was
    // (before it), else after the last one.
    let mut next = None;
    for (_, place) in places.iter_mut().rev() {
        match place {
            Some(found) => next = Some(*found),
            None => *place = next,
        }
    }
    let mut last = None;
    for (page, place) in places {
        match place.or(last) {
            Some((block, word)) => {
                // A page that only found a place after the last marker
                // goes at the end of that block's text.
                let word = if place.is_none() { usize::MAX } else { word };
                plan.blocks
                    .entry(block)
                    .or_default()
                    .push(Marker { word, page });
                last = Some((block, word));
            }
            // No page could be placed at all: keep them in order at the
            // front rather than lose them.
            None => plan.front.push(page),
        }
    }
    plan
}

/// The block a page starts in: the first one at or after `from` whose
/// source starts at `start`, and of blocks starting at the same byte the
/// innermost (a list and its first paragraph can share a start).
fn find_block(order: &[BlockStart], from: usize, start: usize) -> Option<usize> {
    let mut found = (from..order.len()).find(|&i| order[i].start == start)?;
    while order.get(found + 1).is_some_and(|next| next.start == start) {
        found += 1;
    }
    Some(found)
}

/// Counts the words of a block's text as it is written, and says when a
/// marker is due: before the first character of word `word`.
///
/// Words are what `model::plain_text` gives, split at white space, so
/// the count follows the layout's [`PageAnchor::word`].
#[derive(Debug, Clone, Default)]
pub(super) struct WordCursor {
    /// Markers still to write, in order.
    pending: Vec<Marker>,
    /// Words started so far.
    words: usize,
    /// The last character seen was part of a word.
    in_word: bool,
}

impl WordCursor {
    /// A cursor for a block with these markers (in page order).
    pub fn new(markers: Vec<Marker>) -> Self {
        WordCursor {
            pending: markers,
            words: 0,
            in_word: false,
        }
    }

    /// Counts the words in `text`, which is written as one piece (a note
    /// number, an image's alt text), and takes the markers due before a
    /// word that starts in it: they go before the whole piece.
    pub fn advance(&mut self, text: &str) -> Vec<usize> {
        let mut due = Vec::new();
        for c in text.chars() {
            if c.is_whitespace() {
                self.in_word = false;
            } else if !self.in_word {
                self.in_word = true;
                due.extend(self.take_due());
                self.words += 1;
            }
        }
        due
    }

    /// Like [`WordCursor::advance`], but splits `text` into runs with the
    /// markers due before each: `(markers, text)` pairs.
    pub fn split<'t>(&mut self, text: &'t str) -> Vec<(Vec<usize>, &'t str)> {
        let mut runs = Vec::new();
        let mut run_start = 0;
        let mut run_markers = Vec::new();
        for (i, c) in text.char_indices() {
            if c.is_whitespace() {
                self.in_word = false;
                continue;
            }
            if self.in_word {
                continue;
            }
            self.in_word = true;
            let due = self.take_due();
            self.words += 1;
            if !due.is_empty() {
                if i > run_start || !run_markers.is_empty() {
                    runs.push((std::mem::take(&mut run_markers), &text[run_start..i]));
                }
                run_markers = due;
                run_start = i;
            }
        }
        if run_start < text.len() || !run_markers.is_empty() {
            runs.push((run_markers, &text[run_start..]));
        }
        runs
    }

    /// The markers not yet written (their word is past the text's end).
    pub fn finish(&mut self) -> Vec<usize> {
        std::mem::take(&mut self.pending)
            .into_iter()
            .map(|marker| marker.page)
            .collect()
    }

    fn take_due(&mut self) -> Vec<usize> {
        let count = self
            .pending
            .iter()
            .take_while(|marker| marker.word <= self.words)
            .count();
        self.pending
            .drain(..count)
            .map(|marker| marker.page)
            .collect()
    }
}

/// Where the markers were written: page number → (file, id).
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct PageList {
    /// Every page, in order.
    pub pages: BTreeMap<usize, (String, String)>,
    /// The print edition, for `pageBreakSource`.
    pub source: Option<String>,
}

impl PageList {
    /// Whether the book has a page list.
    pub fn is_empty(&self) -> bool {
        self.pages.is_empty()
    }

    /// The page list's entries in page order: label and `file#id`.
    pub fn entries(&self) -> impl Iterator<Item = (usize, String)> + '_ {
        self.pages
            .iter()
            .map(|(page, (file, id))| (*page, format!("{file}#{id}")))
    }
}

/// The marker itself: an empty element with the page number as its
/// accessible name (Ace requires one), for reading systems
/// (`epub:type`) and assistive technology (`role`) alike.
pub(super) fn marker_html(page: usize, id: &str) -> String {
    format!(
        "<span id=\"{id}\" class=\"pagebreak\" role=\"doc-pagebreak\" aria-label=\"{page}\" \
         epub:type=\"pagebreak\"/>"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn anchor(block: usize, word: usize) -> PageAnchor {
        PageAnchor { block, word }
    }

    fn text(start: usize) -> BlockStart {
        BlockStart { start, text: true }
    }

    fn other(start: usize) -> BlockStart {
        BlockStart { start, text: false }
    }

    #[test]
    fn pages_go_into_their_blocks_in_order() {
        let order = [text(0), other(10), text(12), text(30)];
        let starts = [(2, anchor(0, 5)), (3, anchor(12, 0)), (4, anchor(30, 7))];
        let plan = plan_pages(&starts, &order, true);
        assert_eq!(plan.cover, Some(1));
        assert!(plan.front.is_empty());
        let expected = BTreeMap::from([
            (0, vec![Marker { word: 5, page: 2 }]),
            (2, vec![Marker { word: 0, page: 3 }]),
            (3, vec![Marker { word: 7, page: 4 }]),
        ]);
        assert_eq!(plan.blocks, expected);
    }

    #[test]
    fn the_innermost_block_of_a_shared_start_is_chosen() {
        // A list at 10 whose first paragraph also starts at 10.
        let order = [text(0), other(10), text(10), text(20)];
        let plan = plan_pages(&[(2, anchor(10, 3))], &order, false);
        assert_eq!(plan.blocks[&2], [Marker { word: 3, page: 2 }]);
        assert_eq!(plan.front, [1]);
    }

    #[test]
    fn a_page_never_goes_before_the_previous_one() {
        // Page 3 says it starts at the top of the block page 2 is in (an
        // image taken out of a paragraph): it goes right after page 2.
        let order = [text(0), text(50)];
        let starts = [(2, anchor(0, 9)), (3, anchor(0, 0)), (4, anchor(50, 0))];
        let plan = plan_pages(&starts, &order, true);
        assert_eq!(
            plan.blocks[&0],
            [Marker { word: 9, page: 2 }, Marker { word: 9, page: 3 }]
        );
    }

    #[test]
    fn pages_without_a_place_go_with_the_next_or_the_last() {
        let order = [text(0), text(50)];
        // Page 3's block does not exist in the EPUB; page 5 neither, and
        // nothing follows it. Pages 2 and 3 are the PDF's contents pages.
        let starts = [(4, anchor(0, 2)), (5, anchor(999, 0)), (6, anchor(50, 1))];
        let plan = plan_pages(&starts, &order, true);
        assert_eq!(plan.front, [2, 3]);
        assert_eq!(
            plan.blocks[&1],
            [Marker { word: 1, page: 5 }, Marker { word: 1, page: 6 }]
        );
        let starts = [(2, anchor(0, 2)), (3, anchor(999, 0))];
        let plan = plan_pages(&starts, &order, false);
        assert_eq!(
            plan.blocks[&0],
            [
                Marker { word: 2, page: 2 },
                Marker {
                    word: usize::MAX,
                    page: 3
                }
            ]
        );
    }

    #[test]
    fn no_starts_no_plan() {
        assert_eq!(plan_pages(&[], &[text(0)], true), PagePlan::default());
    }

    #[test]
    fn the_cursor_stops_before_the_right_word() {
        let markers = vec![Marker { word: 2, page: 7 }, Marker { word: 3, page: 8 }];
        let mut cursor = WordCursor::new(markers);
        // "one two" then "three four", written in two pieces; the third
        // word starts the second piece after a space.
        assert_eq!(cursor.split("one two"), [(vec![], "one two")]);
        assert_eq!(
            cursor.split(" three four"),
            [(vec![], " "), (vec![7], "three "), (vec![8], "four")]
        );
        assert!(cursor.finish().is_empty());
    }

    #[test]
    fn a_word_split_across_pieces_counts_once() {
        let mut cursor = WordCursor::new(vec![Marker { word: 1, page: 3 }]);
        assert!(cursor.advance("fet").is_empty());
        assert!(cursor.advance("kursiv").is_empty());
        assert_eq!(cursor.advance(" 1"), [3]);
        let mut cursor = WordCursor::new(vec![Marker {
            word: usize::MAX,
            page: 4,
        }]);
        assert!(cursor.split("a b c").iter().all(|(m, _)| m.is_empty()));
        assert_eq!(cursor.finish(), [4]);
    }
}
