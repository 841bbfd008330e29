//! The few words the EPUB back end writes itself (navigation labels,
//! accessibility summary), in Swedish or English after the document's
//! language.
//!
//! A screen reader announces these in the language of the page, so they
//! must be in that language too: an English "Notes" read with Swedish
//! pronunciation rules is hard to understand.

/// The generated texts for one language.
#[derive(Debug, Clone, Copy)]
pub(super) struct Strings {
    /// Heading of the table of contents.
    pub contents: &'static str,
    /// Label of the (hidden) landmarks list.
    pub landmarks: &'static str,
    /// Title of the cover page.
    pub cover: &'static str,
    /// Landmark label for the start of the text.
    pub start: &'static str,
    /// Heading of the endnotes page.
    pub notes: &'static str,
    /// Accessible name of a back-link from a note to its reference.
    pub back_to_text: &'static str,
    /// Accessible name of a ticked task box.
    pub task_done: &'static str,
    /// Accessible name of an empty task box.
    pub task_open: &'static str,
    /// Label for a table-of-contents entry whose heading has no text.
    pub untitled: &'static str,
    /// Heading of the (hidden) page list.
    pub pages: &'static str,
    summary: &'static str,
    /// The summary's first sentence for a book that makes no conformance
    /// claim (see `crate::conformance`).
    summary_unclaimed: &'static str,
    summary_images: &'static str,
}

const SWEDISH: Strings = Strings {
    contents: "Innehåll",
    landmarks: "Landmärken",
    cover: "Omslag",
    start: "Början",
    notes: "Noter",
    back_to_text: "Tillbaka till texten",
    task_done: "klar",
    task_open: "inte klar",
    untitled: "Utan rubrik",
    pages: "Sidor",
    summary: "Publikationen uppfyller EPUB Accessibility 1.1 och WCAG 2.2 nivå AA. \
              Den har en innehållsförteckning, rubriker i logisk ordning och en \
              läsordning som följer texten. Texten kan förstoras och formateras om \
              i läsprogrammet.",
    summary_unclaimed: "Publikationen gör inget anspråk på att uppfylla WCAG: \
                        författarens text uppfyller inte alla villkor.",
    summary_images: " Alla bilder har textalternativ.",
};

const ENGLISH: Strings = Strings {
    contents: "Contents",
    landmarks: "Landmarks",
    cover: "Cover",
    start: "Start",
    notes: "Notes",
    back_to_text: "Back to the text",
    task_done: "done",
    task_open: "not done",
    untitled: "Untitled",
    pages: "Pages",
    summary: "This publication meets EPUB Accessibility 1.1 and WCAG 2.2 Level AA. \
              It has a table of contents, headings in a logical order and a reading \
              order that follows the text. The text can be enlarged and restyled in \
              the reading system.",
    summary_unclaimed: "This publication makes no claim to meet WCAG: the author's \
                        text does not meet every condition.",
    summary_images: " All images have text alternatives.",
};

impl Strings {
    /// The texts for a BCP 47 language tag: Swedish for `sv…`, else English.
    pub fn for_lang(lang: &str) -> Strings {
        let primary = lang.split(['-', '_']).next().unwrap_or("");
        if primary.eq_ignore_ascii_case("sv") {
            SWEDISH
        } else {
            ENGLISH
        }
    }

    /// The `schema:accessibilitySummary`; the sentence about images only
    /// when there are images and all of them have alt text.
    pub fn accessibility_summary(&self, images_described: bool, conforms: bool) -> String {
        let mut summary = if conforms {
            self.summary.to_string()
        } else {
            // What the book offers still holds: keep all but the claim.
            let rest = self.summary.split_once(". ").map_or("", |(_, rest)| rest);
            format!("{} {rest}", self.summary_unclaimed)
        };
        if images_described {
            summary.push_str(self.summary_images);
        }
        summary
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn swedish_is_chosen_by_the_primary_subtag() {
        assert_eq!(Strings::for_lang("sv").notes, "Noter");
        assert_eq!(Strings::for_lang("sv-FI").notes, "Noter");
        assert_eq!(Strings::for_lang("SV").notes, "Noter");
        assert_eq!(Strings::for_lang("en-GB").notes, "Notes");
        assert_eq!(Strings::for_lang("svx").notes, "Notes");
        assert_eq!(Strings::for_lang("").notes, "Notes");
    }
}
