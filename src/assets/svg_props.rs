//! The text properties of an SVG `<text>`, and whether we can set it.
//!
//! Goes in: the `<text>` element and its ancestors. Comes out: the font
//! query, size and anchor of its glyphs ([`TextStyle`]), or why the text
//! needs usvg's general text layout ([`Unsupported`]). A property comes
//! from a presentation attribute or a `style` declaration; the declaration
//! wins on the same element and the nearest element wins over its
//! ancestors (SVG 1.1 §6.4 and §6.15).

use roxmltree::Node;

/// The SVG namespace (SVG 1.1 §1.3).
pub(super) const SVG_NS: &str = "http://www.w3.org/2000/svg";

/// Why a document's text is left to usvg; the reason is for tests and
/// for reading the code, never shown to users.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Unsupported(pub &'static str);

/// The properties one element declares, in the order they are looked up:
/// `style` declarations first, then presentation attributes.
pub(super) struct Declared<'a> {
    list: Vec<(&'a str, &'a str)>,
}

impl<'a> Declared<'a> {
    /// Reads an element's presentation attributes and `style` declarations.
    pub(super) fn of(node: Node<'a, '_>) -> Result<Declared<'a>, Unsupported> {
        let mut list = Vec::new();
        if let Some(style) = node.attribute("style") {
            list.extend(parse_style(style)?);
        }
        for attr in node.attributes() {
            match attr.namespace() {
                None => list.push((attr.name(), attr.value().trim())),
                // usvg reads `svg:fill` like `fill`; too rare to mimic.
                Some(SVG_NS) => return Err(Unsupported("an attribute in the SVG namespace")),
                Some(_) => {}
            }
        }
        Ok(Declared { list })
    }

    /// The value declared for `name`, if any.
    pub(super) fn get(&self, name: &str) -> Option<&'a str> {
        self.list.iter().find(|(n, _)| *n == name).map(|&(_, v)| v)
    }

    /// Every declaration, `style` ones first.
    pub(super) fn iter(&self) -> impl Iterator<Item = (&'a str, &'a str)> + '_ {
        self.list.iter().copied()
    }
}

/// Splits a `style` attribute into `name: value` declarations (CSS Syntax
/// 3, "consume a list of declarations", for the plain declarations SVG
/// files carry). Comments, escapes and `!important` would need a real CSS
/// parser: they fall back.
pub(super) fn parse_style(style: &str) -> Result<Vec<(&str, &str)>, Unsupported> {
    if style.contains("/*") || style.contains('\\') || style.contains('!') {
        return Err(Unsupported(
            "a style attribute with comments, escapes or !important",
        ));
    }
    let mut declarations = Vec::new();
    let mut start = 0;
    let mut quote = None;
    let mut depth = 0u32;
    for (i, c) in style.char_indices().chain([(style.len(), ';')]) {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '(') => depth += 1,
            (None, ')') => depth = depth.saturating_sub(1),
            (None, ';') if depth == 0 => {
                let part = style[start..i.min(style.len())].trim();
                start = i + 1;
                if part.is_empty() {
                    continue;
                }
                let (name, value) = part
                    .split_once(':')
                    .ok_or(Unsupported("a style declaration without a colon"))?;
                declarations.push((name.trim(), value.trim()));
            }
            _ => {}
        }
    }
    if quote.is_some() {
        return Err(Unsupported("an unclosed quote in a style attribute"));
    }
    Ok(declarations)
}

/// A generic or named font family (CSS Fonts 3 §3.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Family {
    /// A family by its name.
    Named(String),
    /// `serif`.
    Serif,
    /// `sans-serif`.
    SansSerif,
    /// `cursive`.
    Cursive,
    /// `fantasy`.
    Fantasy,
    /// `monospace`.
    Monospace,
}

/// Where a text chunk's anchor point lies (SVG 1.1 §10.9.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Anchor {
    /// The chunk starts at the anchor point.
    Start,
    /// The chunk is centred on it.
    Middle,
    /// The chunk ends at it.
    End,
}

/// A font style (CSS Fonts 3 §3.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Slant {
    /// Upright.
    Normal,
    /// Italic.
    Italic,
    /// Oblique (matched like italic when a family has no oblique face).
    Oblique,
}

/// What the glyphs of one simple `<text>` are set with.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct TextStyle {
    /// The `font-family` list; empty when nothing declares one.
    pub families: Vec<Family>,
    /// The font size in user units.
    pub size: f32,
    /// The CSS weight, 100 to 900.
    pub weight: u16,
    /// Upright, italic or oblique.
    pub slant: Slant,
    /// The text anchor of every chunk.
    pub anchor: Anchor,
    /// Whether an `evenodd` fill rule is inherited, which glyphs must not
    /// get: text is filled nonzero whatever `fill-rule` says (SVG 2, "text
    /// rendering order"), but a path is filled by the rule it inherits.
    pub evenodd_inherited: bool,
}

/// Resolves the text properties of a `<text>`: `chain` holds the
/// declarations of the element, then of each ancestor up to the root.
/// `default_size` is the size when none is declared (usvg's option).
pub(super) fn resolve_text_style(
    chain: &[Declared],
    default_size: f32,
) -> Result<TextStyle, Unsupported> {
    for declared in chain {
        for (name, value) in declared.iter() {
            check_property(name, value)?;
        }
    }
    let nearest = |name: &str| chain.iter().find_map(|declared| declared.get(name));
    let families = match nearest("font-family") {
        Some(value) => parse_families(value)?,
        None => Vec::new(),
    };
    let size = match nearest("font-size") {
        Some(value) => parse_px(value)
            .filter(|size| *size > 0.0)
            .ok_or(Unsupported(
                "a font size that is not a positive number of px",
            ))?,
        None => default_size,
    };
    let weight = match nearest("font-weight") {
        None | Some("normal") => 400,
        Some("bold") => 700,
        Some(value) => value
            .parse::<u16>()
            .ok()
            .filter(|w| (100..=900).contains(w) && w % 100 == 0)
            .ok_or(Unsupported("a relative or unusual font weight"))?,
    };
    let slant = match nearest("font-style") {
        None | Some("normal") => Slant::Normal,
        Some("italic") => Slant::Italic,
        Some("oblique") => Slant::Oblique,
        Some(_) => return Err(Unsupported("an unknown font style")),
    };
    let anchor = match nearest("text-anchor") {
        None | Some("start") => Anchor::Start,
        Some("middle") => Anchor::Middle,
        Some("end") => Anchor::End,
        Some(_) => return Err(Unsupported("an unknown text anchor")),
    };
    let evenodd_inherited = chain
        .iter()
        .flat_map(|declared| declared.iter())
        .any(|(name, value)| name == "fill-rule" && value == "evenodd");
    Ok(TextStyle {
        families,
        size,
        weight,
        slant,
        anchor,
        evenodd_inherited,
    })
}

/// Whether a property only matters to text, so that it is dropped when a
/// `<text>` becomes a `<g>` of glyphs.
pub(super) fn is_text_property(name: &str) -> bool {
    const PREFIXES: [&str; 7] = [
        "font", "text-", "letter-", "word-", "glyph-", "unicode-", "line-",
    ];
    const NAMES: [&str; 13] = [
        "baseline-shift",
        "dominant-baseline",
        "alignment-baseline",
        "writing-mode",
        "direction",
        "kerning",
        "white-space",
        "inline-size",
        "shape-inside",
        "shape-subtract",
        "shape-padding",
        "shape-margin",
        "fill-rule",
    ];
    PREFIXES.iter().any(|prefix| name.starts_with(prefix)) || NAMES.contains(&name)
}

/// Fails on a property whose effect we do not reproduce: text layout
/// beyond plain runs, strokes (usvg strokes each glyph with care for
/// joins), and effects sized by the text's bounding box, which for text
/// comes from font metrics but for glyph paths from their outlines.
fn check_property(name: &str, value: &str) -> Result<(), Unsupported> {
    let ok = match name {
        "stroke" => value == "none",
        "filter" | "mask" | "clip-path" => value == "none",
        "fill" => !value.to_ascii_lowercase().contains("url("),
        "fill-rule" => true,
        "font-family" | "font-size" | "font-weight" | "font-style" | "text-anchor" => true,
        "letter-spacing" | "word-spacing" => matches!(value, "normal" | "0" | "0px"),
        "baseline-shift" => matches!(value, "baseline" | "0" | "0px"),
        "dominant-baseline" => value == "auto",
        "alignment-baseline" => matches!(value, "auto" | "baseline"),
        "writing-mode" => matches!(value, "lr-tb" | "lr" | "horizontal-tb"),
        "direction" => value == "ltr",
        "kerning" => value == "auto",
        "font-kerning" => matches!(value, "auto" | "normal"),
        "text-rendering" => matches!(value, "auto" | "optimizeLegibility" | "geometricPrecision"),
        "text-decoration" | "text-decoration-line" | "text-transform" | "text-shadow" => {
            value == "none"
        }
        "font-size-adjust" => value == "none",
        // Sets no glyph in SVG text, which has no line boxes.
        "line-height" | "text-align" => true,
        "white-space" => false,
        // `font`, `font-variant`, `font-stretch`, `font-feature-settings`,
        // `unicode-bidi`, `inline-size` and the rest: only initial values.
        _ if is_text_property(name) => matches!(value, "normal" | "auto"),
        _ => true,
    };
    if ok {
        Ok(())
    } else {
        Err(Unsupported("a text property we do not set ourselves"))
    }
}

/// A length in user units: a plain number or one in `px`.
pub(super) fn parse_px(value: &str) -> Option<f32> {
    let value = value.trim();
    let number = value.strip_suffix("px").unwrap_or(value);
    // Rust also reads `inf` and `NaN`, which no SVG number is.
    if !number.starts_with(|c: char| c.is_ascii_digit() || matches!(c, '-' | '+' | '.')) {
        return None;
    }
    number.parse::<f32>().ok().filter(|n| n.is_finite())
}

/// Reads a `font-family` list the way usvg does (svgtypes): quoted names,
/// or identifiers joined by single spaces, with the generic families as
/// lowercase keywords. Anything else falls back, so that a list we read
/// differently from usvg never picks a different face.
pub(super) fn parse_families(value: &str) -> Result<Vec<Family>, Unsupported> {
    let odd = Unsupported("a font-family list we do not read like usvg");
    let mut families = Vec::new();
    for item in split_outside_quotes(value, ',').ok_or(odd)? {
        let item = item.trim();
        let quoted = item
            .strip_prefix('"')
            .and_then(|rest| rest.strip_suffix('"'))
            .or_else(|| item.strip_prefix('\'').and_then(|r| r.strip_suffix('\'')));
        if let Some(name) = quoted {
            if name.is_empty() || name.contains(['"', '\'']) {
                return Err(odd);
            }
            families.push(Family::Named(name.to_string()));
            continue;
        }
        let words: Vec<&str> = item.split_ascii_whitespace().collect();
        let is_identifier = |word: &&str| {
            let body = word.strip_prefix('-').unwrap_or(word);
            body.starts_with(|c: char| c.is_alphabetic() || c == '_' || !c.is_ascii())
                && body
                    .chars()
                    .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_') || !c.is_ascii())
        };
        if words.is_empty() || !words.iter().all(is_identifier) {
            return Err(odd);
        }
        let name = words.join(" ");
        families.push(match name.as_str() {
            "serif" => Family::Serif,
            "sans-serif" => Family::SansSerif,
            "cursive" => Family::Cursive,
            "fantasy" => Family::Fantasy,
            "monospace" => Family::Monospace,
            _ => Family::Named(name),
        });
    }
    Ok(families)
}

/// Splits at `separator` outside single or double quotes; `None` when a
/// quote is left open.
fn split_outside_quotes(value: &str, separator: char) -> Option<Vec<&str>> {
    let mut parts = Vec::new();
    let mut quote = None;
    let mut start = 0;
    for (i, c) in value.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '"' || c == '\'' => quote = Some(c),
            None if c == separator => {
                parts.push(&value[start..i]);
                start = i + c.len_utf8();
            }
            None => {}
        }
    }
    if quote.is_some() {
        return None;
    }
    parts.push(&value[start..]);
    Some(parts)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn style_of(svg: &str) -> Result<TextStyle, Unsupported> {
        let doc = roxmltree::Document::parse(svg).unwrap();
        let text = doc
            .descendants()
            .find(|n| n.has_tag_name((SVG_NS, "text")))
            .unwrap();
        let chain = text
            .ancestors()
            .filter(|n| n.is_element())
            .map(Declared::of)
            .collect::<Result<Vec<_>, _>>()?;
        resolve_text_style(&chain, 12.0)
    }

    #[test]
    fn nearest_declaration_wins_and_style_beats_attributes() {
        let style = style_of(
            r#"<svg xmlns="http://www.w3.org/2000/svg" font-size="20" font-weight="bold">
                <g style="font-family: 'Linux Biolinum O', sans-serif; font-size: 14px">
                  <text font-size="30" style="font-style:italic" text-anchor="middle">x</text>
                </g></svg>"#,
        )
        .unwrap();
        assert_eq!(
            style.families,
            [Family::Named("Linux Biolinum O".into()), Family::SansSerif]
        );
        assert_eq!(style.size, 30.0);
        assert_eq!(style.weight, 700);
        assert_eq!(style.slant, Slant::Italic);
        assert_eq!(style.anchor, Anchor::Middle);
    }

    #[test]
    fn defaults_apply_when_nothing_is_declared() {
        let style =
            style_of(r#"<svg xmlns="http://www.w3.org/2000/svg"><text>x</text></svg>"#).unwrap();
        assert!(style.families.is_empty());
        assert_eq!((style.size, style.weight), (12.0, 400));
    }

    #[test]
    fn strokes_filters_and_text_effects_fall_back() {
        for attrs in [
            r#"stroke="red""#,
            r#"style="stroke:#000""#,
            r#"filter="url(#f)""#,
            r#"fill="url(#gradient)""#,
            r#"letter-spacing="2""#,
            r#"font-size="2em""#,
            r#"font-weight="bolder""#,
            r#"style="font: bold 12px serif""#,
            r#"font-variant="small-caps""#,
            r#"font-family="'unclosed""#,
            r#"style="font-size: 12px !important""#,
        ] {
            let svg = format!(
                r#"<svg xmlns="http://www.w3.org/2000/svg"><g {attrs}><text>x</text></g></svg>"#
            );
            assert!(style_of(&svg).is_err(), "{attrs} should fall back");
        }
    }

    #[test]
    fn family_lists_are_read_like_svgtypes() {
        assert_eq!(
            parse_families(" Linux   Biolinum O , \"A, B\",monospace").unwrap(),
            [
                Family::Named("Linux Biolinum O".into()),
                Family::Named("A, B".into()),
                Family::Monospace
            ]
        );
        assert!(parse_families("Foo,").is_err());
        assert!(parse_families("12px").is_err());
    }

    #[test]
    fn style_declarations_respect_quotes_and_parentheses() {
        assert_eq!(
            parse_style("font-family:'a;b'; fill:url(#x;y) ;;").unwrap(),
            [("font-family", "'a;b'"), ("fill", "url(#x;y)")]
        );
    }
}
