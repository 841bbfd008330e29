//! The style sheet: embedded fonts, then a book design that leaves the
//! reader in charge.
//!
//! Sizes are relative (em), no colours are set (so a reading system's
//! dark or sepia theme works, and rules use `currentColor`), the line
//! height is a unitless factor the reader can still change, and alignment
//! is left to the reading system. The typography follows Swedish book
//! convention: indented paragraphs without space between them, except the
//! first one after a heading, figure, list or the like.

use super::font_subset::EmbeddedFont;
use crate::fonts::FaceRole;
use std::collections::{BTreeMap, BTreeSet};

/// Builds `stylesheet.css` for the embedded fonts.
pub(super) fn stylesheet(fonts: &[EmbeddedFont]) -> String {
    let mut css = String::new();
    for font in fonts {
        css.push_str(&format!(
            "@font-face {{\n  font-family: \"{}\";\n  font-weight: {};\n  font-style: {};\n  \
             src: url(\"{}\") format(\"{}\");\n}}\n",
            font.family,
            font.weight,
            if font.italic { "italic" } else { "normal" },
            font.href,
            font.format
        ));
    }
    let family = |roles: &[FaceRole], generic: &str| family_list(fonts, roles, generic);
    let serif = family(&[FaceRole::Regular], "serif");
    let italic = family(&[FaceRole::Italic, FaceRole::Regular], "serif");
    let bold = family(&[FaceRole::Bold, FaceRole::Regular], "serif");
    let bold_italic = family(
        &[FaceRole::BoldItalic, FaceRole::Bold, FaceRole::Regular],
        "serif",
    );
    let heading = family(&[FaceRole::Heading, FaceRole::Sans], "sans-serif");
    let sans = family(&[FaceRole::Sans], "sans-serif");
    let mono = family(&[FaceRole::Mono], "monospace");
    let unindented = unindented_paragraphs();
    css.push_str(&format!(
        r#"
body {{
  font-family: {serif};
  line-height: 1.4;
  margin: 0;
  padding: 0;
  widows: 2;
  orphans: 2;
  -webkit-hyphens: auto;
  -epub-hyphens: auto;
  hyphens: auto;
}}

em, i {{ font-family: {italic}; font-style: italic; }}
strong, b {{ font-family: {bold}; font-weight: bold; }}
strong em, em strong, b i, i b {{ font-family: {bold_italic}; font-weight: bold; font-style: italic; }}

h1, h2, h3, h4, h5, h6 {{
  font-family: {heading};
  font-weight: bold;
  line-height: 1.2;
  /* Never justified (a reader's setting would stretch short lines);
     `start` is right-aligned in right-to-left books. */
  text-align: left;
  text-align: start;
  -webkit-hyphens: manual;
  -epub-hyphens: manual;
  hyphens: manual;
  page-break-after: avoid;
  break-after: avoid;
  page-break-inside: avoid;
  break-inside: avoid;
  margin: 1.5em 0 0.5em 0;
}}
h1 {{ font-size: 1.6em; margin-top: 1em; }}
h2 {{ font-size: 1.35em; }}
h3 {{ font-size: 1.15em; }}
h4, h5, h6 {{ font-size: 1em; }}

p {{
  margin: 0;
  text-indent: 1.2em;
}}
/* No indent where a paragraph does not follow another paragraph (a
   page-break marker in between changes nothing). */
{unindented},
li p, blockquote p, figure p, td p, th p, .alert p, p.caption {{
  text-indent: 0;
}}

blockquote {{
  margin: 1em 1.5em;
}}

/* GitHub's alerts: a rule where lines begin, the title on its own line. */
.alert {{
  margin: 1em 0;
  border-inline-start: 0.2em solid currentColor;
  padding-inline-start: 0.8em;
}}
.alert p {{ margin: 0.3em 0; }}

ul, ol {{
  margin: 0.75em 0;
}}
li > p + p {{ margin-top: 0.5em; }}
li.task {{ list-style-type: none; }}
.task-box {{ font-family: {serif}; }}

pre {{
  font-family: {mono};
  font-size: 0.85em;
  line-height: 1.3;
  margin: 1em 0;
  white-space: pre-wrap;
  overflow-wrap: break-word;
  word-wrap: break-word;
  -webkit-hyphens: none;
  -epub-hyphens: none;
  hyphens: none;
  text-indent: 0;
}}
code {{
  font-family: {mono};
  -webkit-hyphens: none;
  -epub-hyphens: none;
  hyphens: none;
}}
pre code {{ font-size: 1em; }}
p code, li code, td code {{ font-size: 0.9em; }}

del {{ text-decoration: line-through; }}

sup {{
  font-size: 0.75em;
  line-height: 0;
  vertical-align: super;
}}

hr {{
  border: 0;
  border-top: 1px solid currentColor;
  width: 30%;
  margin: 1.5em auto;
}}

figure {{
  margin: 1em 0;
  text-align: center;
  page-break-inside: avoid;
  break-inside: avoid;
}}
img {{
  max-width: 100%;
  height: auto;
}}
figcaption {{
  font-family: {sans};
  font-size: 0.9em;
  margin-top: 0.4em;
  text-indent: 0;
}}
.missing-image {{ font-style: italic; }}

table {{
  border-collapse: collapse;
  margin: 1em 0;
  max-width: 100%;
}}
th, td {{
  padding: 0.2em 0.5em;
  vertical-align: top;
  text-align: left;
  text-align: start;
  border-bottom: 1px solid currentColor;
}}
th {{ font-family: {sans}; font-weight: bold; }}
th.align-left, td.align-left {{ text-align: left; }}
th.align-center, td.align-center {{ text-align: center; }}
th.align-right, td.align-right {{ text-align: right; }}

section.cover {{
  margin: 0;
  padding: 0;
  text-align: center;
}}
section.cover img {{
  max-height: 95vh;
}}

ol.notes {{
  font-size: 0.95em;
}}
ol.notes li {{ margin-bottom: 0.5em; }}

nav ol {{
  list-style-type: none;
}}
"#
    ));
    css
}

/// Selectors for paragraphs that open a run of text: first in their
/// parent, or after a heading, figure, list and the like, also when a
/// page-break marker (`span.pagebreak`) stands between.
fn unindented_paragraphs() -> String {
    let after = [
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "figure",
        "ul",
        "ol",
        "blockquote",
        "pre",
        "table",
        "hr",
        "p.caption",
    ];
    let mut selectors = vec![
        "p:first-child".to_string(),
        ".pagebreak:first-child + p".to_string(),
    ];
    for element in after {
        selectors.push(format!("{element} + p, {element} + .pagebreak + p"));
    }
    selectors.join(",\n")
}

/// A CSS font-family list: the families of `roles` (first embedded face
/// found for each, duplicates removed), then the generic family.
fn family_list(fonts: &[EmbeddedFont], roles: &[FaceRole], generic: &str) -> String {
    let mut names: Vec<&str> = Vec::new();
    for role in roles {
        let found = fonts
            .iter()
            .find(|font| font.roles.contains(role))
            .map(|font| font.family.as_str());
        if let Some(name) = found
            && !names.contains(&name)
        {
            names.push(name);
        }
    }
    // The built-in faces for scripts the first face lacks, where the book
    // uses them (see `font_subset::with_script_faces`).
    let scripts = roles.first().map_or(&[][..], |role| role.script_faces());
    for role in scripts {
        let found = fonts.iter().find(|font| font.roles.contains(role));
        if let Some(font) = found
            && !names.contains(&font.family.as_str())
        {
            names.push(&font.family);
        }
    }
    let mut list: Vec<String> = names.iter().map(|name| format!("\"{name}\"")).collect();
    list.push(generic.to_string());
    list.join(", ")
}

/// The font family an element's text is set in, as the style sheet says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Family {
    /// Running text: the regular, italic, bold and bold italic faces.
    Serif,
    /// Headings (bold) and captions, table heads: the heading and sans
    /// faces.
    Sans,
    /// Code.
    Mono,
    /// A generic family no embedded face serves (`kbd`, `samp`).
    Other,
}

/// An element's computed font, as far as the faces are concerned.
#[derive(Debug, Clone, Copy)]
struct Font {
    family: Family,
    bold: bool,
    italic: bool,
}

/// Adds the characters of the text `body` shows to the faces the style
/// sheet above sets them in (and the reading system's own defaults for
/// `cite`, `var` and `kbd`), so that only faces the book uses are
/// embedded, each cut to its own characters. Hidden elements (the
/// landmarks and the page list) are skipped: they are never drawn.
///
/// `sans_bold_is_heading`: the bold sans of a table head is the heading
/// face (their families are one).
pub(super) fn collect_face_chars(
    body: roxmltree::Node<'_, '_>,
    sans_bold_is_heading: bool,
    out: &mut BTreeMap<FaceRole, BTreeSet<char>>,
) {
    let body_font = Font {
        family: Family::Serif,
        bold: false,
        italic: false,
    };
    // An explicit stack: raw HTML and Markdown can nest deeply.
    let mut stack = vec![(body, body_font)];
    while let Some((node, inherited)) = stack.pop() {
        if node.is_text() {
            let text = node.text().unwrap_or("");
            if text.chars().all(char::is_whitespace) {
                continue;
            }
            let role = match inherited.family {
                Family::Serif => Some(FaceRole::for_style(inherited.bold, inherited.italic)),
                Family::Sans if inherited.bold && sans_bold_is_heading => Some(FaceRole::Heading),
                Family::Sans => Some(FaceRole::Sans),
                Family::Mono => Some(FaceRole::Mono),
                Family::Other => None,
            };
            if let Some(role) = role {
                out.entry(role).or_default().extend(text.chars());
            }
            continue;
        }
        if !node.is_element() || node.has_attribute("hidden") {
            continue;
        }
        let font = element_font(node, inherited);
        for child in node.children().collect::<Vec<_>>().into_iter().rev() {
            stack.push((child, font));
        }
    }
}

/// The font the style sheet (or a reading system's defaults) gives an
/// element. Mirrors the rules of [`stylesheet`]: change both together.
fn element_font(node: roxmltree::Node<'_, '_>, parent: Font) -> Font {
    let task_box = node
        .attribute("class")
        .is_some_and(|class| class.split_whitespace().any(|c| c == "task-box"));
    match node.tag_name().name() {
        "em" | "i" => Font {
            family: Family::Serif,
            italic: true,
            ..parent
        },
        "strong" | "b" => Font {
            family: Family::Serif,
            bold: true,
            ..parent
        },
        "cite" | "var" | "dfn" => Font {
            italic: true,
            ..parent
        },
        "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "th" => Font {
            family: Family::Sans,
            bold: true,
            ..parent
        },
        "figcaption" => Font {
            family: Family::Sans,
            ..parent
        },
        "pre" | "code" => Font {
            family: Family::Mono,
            ..parent
        },
        "kbd" | "samp" | "tt" => Font {
            family: Family::Other,
            ..parent
        },
        "span" if task_box => Font {
            family: Family::Serif,
            ..parent
        },
        _ => parent,
    }
}
