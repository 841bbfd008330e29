//! XML text and attribute escaping for everything the EPUB back end writes.
//!
//! Every string that comes from the document goes through [`push_text`] or
//! [`push_attr`] (or [`clean`] when epub-builder or quick-xml escapes it),
//! so no input can break the markup or smuggle in characters XML 1.0
//! forbids.

use std::borrow::Cow;

/// Whether `c` may appear in the EPUB's XML.
///
/// XML 1.0 §2.2 allows tab, line feed, carriage return and everything from
/// U+0020 except surrogates, U+FFFE and U+FFFF. We also drop DEL and the C1
/// controls (U+007F–U+009F): §2.2 discourages them, and in practice they
/// are mojibake that a reading system would show as boxes.
pub(super) fn is_xml_char(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n' | '\r'
            | '\u{20}'..='\u{7E}'
            | '\u{A0}'..='\u{D7FF}'
            | '\u{E000}'..='\u{FFFD}'
            | '\u{10000}'..='\u{10FFFF}'
    )
}

/// Drops the characters XML cannot carry, for strings that epub-builder
/// escapes itself (it escapes `&`, `<` and `>` but passes control
/// characters through).
pub(super) fn clean(s: &str) -> Cow<'_, str> {
    if s.chars().all(is_xml_char) {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(s.chars().filter(|&c| is_xml_char(c)).collect())
    }
}

/// Appends `s` as element content: `&`, `<` and `>` escaped, characters
/// XML forbids dropped. (`>` need only be escaped after `]]`, but escaping
/// it always is simpler and just as valid.)
pub(super) fn push_text(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            // A lone CR would be turned into a line feed by any XML parser;
            // the Markdown parser normalises line ends, so just drop it.
            '\r' => {}
            c if is_xml_char(c) => out.push(c),
            _ => {}
        }
    }
}

/// Appends `s` as the value of a double-quoted attribute.
pub(super) fn push_attr(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            // Attribute-value normalisation (XML 1.0 §3.3.3) turns white
            // space into spaces anyway; doing it here keeps the file honest.
            '\t' | '\n' | '\r' => out.push(' '),
            c if is_xml_char(c) => out.push(c),
            _ => {}
        }
    }
}

/// `s` escaped as a double-quoted attribute value.
pub(super) fn attr(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    push_attr(&mut out, s);
    out
}

/// Makes `s` usable as an XML `id` / HTML fragment: never empty, no white
/// space, nothing XML forbids. The model promises URL-safe anchors; this
/// only guards the promise, so a bad id cannot make the EPUB invalid.
pub(super) fn id_token(s: &str) -> Cow<'_, str> {
    let fine = !s.is_empty()
        && s.chars()
            .all(|c| is_xml_char(c) && !c.is_whitespace() && c != '#');
    if fine {
        return Cow::Borrowed(s);
    }
    let mut out: String = s
        .chars()
        .filter(|&c| is_xml_char(c) && c != '#')
        .map(|c| if c.is_whitespace() { '-' } else { c })
        .collect();
    if out.is_empty() {
        out.push_str("section");
    }
    Cow::Owned(out)
}

/// Percent-encodes what may not stand in a URL as written: white space,
/// controls, the characters the URL standard calls invalid (`"`, `<`,
/// `>`, `` ` ``, `{`, `}`, `|`, `\`, `^`), square brackets (allowed only
/// around an IPv6 host, which [`web_address`] leaves alone) and a `%` that
/// starts no `%XX` escape. Everything else, including existing escapes
/// and non-ASCII letters, is kept.
pub(super) fn encode_url(url: &str) -> String {
    let mut out = String::with_capacity(url.len());
    for (i, c) in url.char_indices() {
        let lone_percent = c == '%'
            && !url
                .get(i + 1..i + 3)
                .is_some_and(|hex| hex.bytes().all(|b| b.is_ascii_hexdigit()));
        if c.is_whitespace()
            || c.is_control()
            || lone_percent
            || matches!(
                c,
                '"' | '<' | '>' | '`' | '{' | '}' | '|' | '\\' | '^' | '[' | ']'
            )
        {
            let mut buf = [0; 4];
            for byte in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{byte:02X}"));
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// An absolute web (`http`, `https`) or e-mail (`mailto`) address as it
/// can stand in an `href`, or `None` if it is not one a reading system
/// could follow: another scheme (`javascript:` and the like; the scheme
/// must be plain letters, so `java\tscript:` does not slip through), or a
/// web address without a well-formed host (`https://../`).
pub(super) fn web_address(url: &str) -> Option<String> {
    let url = url.trim();
    let (scheme, rest) = url.split_once(':')?;
    match scheme.to_ascii_lowercase().as_str() {
        "mailto" if !rest.trim().is_empty() => Some(encode_url(url)),
        "http" | "https" => {
            let authority_and_path = rest.strip_prefix("//")?;
            let end = authority_and_path
                .find(['/', '?', '#'])
                .unwrap_or(authority_and_path.len());
            let (authority, path) = authority_and_path.split_at(end);
            if !is_authority(authority) {
                return None;
            }
            Some(format!("{scheme}://{authority}{}", encode_url(path)))
        }
        _ => None,
    }
}

/// `host`, `host:port` or `user@host`, with a host of letters, digits and
/// dashes in non-empty dot-separated labels (a final dot allowed), or an
/// IPv6 literal in brackets.
fn is_authority(authority: &str) -> bool {
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    if let Some(literal) = host_port.strip_prefix('[') {
        let Some((inside, port)) = literal.split_once(']') else {
            return false;
        };
        let port_ok = port.is_empty()
            || port
                .strip_prefix(':')
                .is_some_and(|p| p.bytes().all(|b| b.is_ascii_digit()));
        return !inside.is_empty()
            && inside
                .chars()
                .all(|c| c.is_ascii_hexdigit() || matches!(c, ':' | '.'))
            && port_ok;
    }
    let host = match host_port.rsplit_once(':') {
        Some((host, port)) if port.bytes().all(|b| b.is_ascii_digit()) => host,
        Some(_) => return false,
        None => host_port,
    };
    let host = host.strip_suffix('.').unwrap_or(host);
    !host.is_empty()
        && host.split('.').all(|label| {
            !label.is_empty()
                && !label.starts_with('-')
                && label
                    .chars()
                    .all(|c| c.is_alphanumeric() || c == '-' || !c.is_ascii())
        })
}

/// Parses XML the way the tests and the self-check need it: XHTML files
/// start with `<!DOCTYPE html>`, which roxmltree refuses by default.
pub(super) fn parse(xml: &str) -> Result<roxmltree::Document<'_>, roxmltree::Error> {
    let options = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..roxmltree::ParsingOptions::default()
    };
    roxmltree::Document::parse_with_options(xml, options)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> String {
        let mut out = String::new();
        push_text(&mut out, s);
        out
    }

    #[test]
    fn text_escapes_markup_and_drops_forbidden_characters() {
        assert_eq!(
            text("a < b && c > \"d\""),
            "a &lt; b &amp;&amp; c &gt; \"d\""
        );
        assert_eq!(text("nul\u{0}bell\u{7}esc\u{1b}ok"), "nulbellescok");
        assert_eq!(text("tab\tline\nend"), "tab\tline\nend");
        assert_eq!(text("c1\u{85}del\u{7f}\u{fffe}\u{ffff}"), "c1del");
        assert_eq!(text("åäö ”–…€ 𝄞"), "åäö ”–…€ 𝄞");
    }

    #[test]
    fn attributes_escape_quotes_and_white_space() {
        assert_eq!(
            attr("say \"hi\" & <go>"),
            "say &quot;hi&quot; &amp; &lt;go&gt;"
        );
        assert_eq!(attr("two\nlines\u{0}"), "two lines");
    }

    #[test]
    fn escaped_text_parses_back_to_the_clean_input() {
        let input = "<&>\"'\u{1}\u{2}x";
        let xml = format!("<p a=\"{}\">{}</p>", attr(input), text(input));
        let doc = roxmltree::Document::parse(&xml).unwrap();
        let p = doc.root_element();
        assert_eq!(p.text(), Some("<&>\"'x"));
        assert_eq!(p.attribute("a"), Some("<&>\"'x"));
    }

    #[test]
    fn clean_only_drops_forbidden_characters() {
        assert_eq!(clean("a&b<c>"), "a&b<c>");
        assert_eq!(clean("a\u{0}b"), "ab");
        assert!(matches!(clean("plain"), Cow::Borrowed(_)));
    }

    #[test]
    fn urls_keep_escapes_and_letters_but_not_spaces() {
        assert_eq!(
            encode_url("https://example.org/a b\"c%20d/åäö"),
            "https://example.org/a%20b%22c%20d/åäö"
        );
    }

    #[test]
    fn brackets_and_lone_percent_signs_are_escaped() {
        assert_eq!(
            encode_url("https://example.com/?search=](uri)%zz%41"),
            "https://example.com/?search=%5D(uri)%25zz%41"
        );
    }

    #[test]
    fn only_web_and_mail_addresses_with_a_host_pass() {
        assert_eq!(
            web_address(" https://example.org/a b ").as_deref(),
            Some("https://example.org/a%20b")
        );
        assert_eq!(
            web_address("HTTP://user@example.org:8080/[x]").as_deref(),
            Some("HTTP://user@example.org:8080/%5Bx%5D")
        );
        assert!(web_address("https://[::1]:80/").is_some());
        assert!(web_address("https://räksmörgås.se/").is_some());
        assert!(web_address("mailto:info@example.org").is_some());
        for bad in [
            "https://../",
            "https://",
            "https:example.org",
            "http://a..b/",
            "http://host:port/",
            "javascript:alert(1)",
            "java\tscript:alert(1)",
            "data:text/html,x",
            "mailto:",
            "ftp://example.org/",
        ] {
            assert_eq!(web_address(bad), None, "{bad}");
        }
    }

    #[test]
    fn ids_are_never_empty_and_never_contain_spaces() {
        assert_eq!(id_token("bakgrund"), "bakgrund");
        assert_eq!(id_token("två ord"), "två-ord");
        assert_eq!(id_token(""), "section");
        assert_eq!(id_token("#x"), "x");
    }
}
