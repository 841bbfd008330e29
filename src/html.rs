//! Raw HTML → tokens, read by html5ever's tokenizer as a browser reads
//! it. Shared by the parser (images written as `<img>`) and the EPUB's
//! sanitizer (`epub::sanitize`), which keep their own policies.

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{
    self, BufferQueue, TagKind, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};
use std::cell::RefCell;

/// A piece of HTML source, as html5ever's tokenizer reads it: names in
/// lower case, character references (all of HTML's named ones) decoded.
#[derive(Debug, Clone, PartialEq)]
pub enum Token {
    /// Text, as the characters it stands for.
    Text(String),
    /// `<!DOCTYPE …>`, with its name. (Comments, `<?…>` and
    /// `<![CDATA[…]]>` are comments to HTML: they are left out, as a
    /// browser shows nothing of them.)
    Doctype(String),
    /// An open tag.
    Start {
        /// The element's name.
        name: String,
        /// Its attributes in source order; the first of two with one name.
        attrs: Vec<(String, String)>,
        /// Written `<name/>`.
        self_closing: bool,
        /// The line it ends on, from 0, within the HTML given.
        line: usize,
    },
    /// A close tag.
    End {
        /// The element's name.
        name: String,
    },
}

/// Collects html5ever's tokens, joining adjacent text.
#[derive(Default)]
struct Collector {
    tokens: RefCell<Vec<Token>>,
}

impl TokenSink for Collector {
    type Handle = ();

    fn process_token(&self, token: tokenizer::Token, line: u64) -> TokenSinkResult<()> {
        let mut tokens = self.tokens.borrow_mut();
        let mut push_text = |text: &str| match tokens.last_mut() {
            Some(Token::Text(last)) => last.push_str(text),
            _ => tokens.push(Token::Text(text.to_string())),
        };
        match token {
            tokenizer::CharacterTokens(text) => push_text(&text),
            // As in HTML: NUL becomes the replacement character.
            tokenizer::NullCharacterToken => push_text("\u{FFFD}"),
            tokenizer::TagToken(tag) => {
                let name = tag.name.to_string();
                if tag.kind == TagKind::EndTag {
                    tokens.push(Token::End { name });
                    return TokenSinkResult::Continue;
                }
                // What a tree builder would do: a script's or style's
                // content is text up to its close tag, not markup.
                let raw = match &*name {
                    _ if tag.self_closing => None,
                    "script" => Some(RawKind::ScriptData),
                    "style" => Some(RawKind::Rawtext),
                    _ => None,
                };
                let attrs = tag
                    .attrs
                    .iter()
                    .map(|attr| (attr.name.local.to_string(), attr.value.to_string()))
                    .collect();
                tokens.push(Token::Start {
                    name,
                    attrs,
                    self_closing: tag.self_closing,
                    // html5ever counts from 1.
                    line: usize::try_from(line)
                        .unwrap_or(usize::MAX)
                        .saturating_sub(1),
                });
                if let Some(raw) = raw {
                    return TokenSinkResult::RawData(raw);
                }
            }
            tokenizer::DoctypeToken(doctype) => tokens.push(Token::Doctype(
                doctype.name.as_deref().unwrap_or("").to_string(),
            )),
            tokenizer::CommentToken(_) | tokenizer::EOFToken | tokenizer::ParseError(_) => {}
        }
        TokenSinkResult::Continue
    }
}

/// Splits HTML into tokens with html5ever's tokenizer. Anything that is
/// not a tag is text (`a < b` stays `a < b`); a tag the input ends
/// inside of is dropped, as a browser drops it.
pub fn tokenize(html: &str) -> Vec<Token> {
    let tokenizer = Tokenizer::new(Collector::default(), TokenizerOpts::default());
    let input = BufferQueue::default();
    input.push_back(StrTendril::from_slice(html));
    let _ = tokenizer.feed(&input);
    tokenizer.end();
    tokenizer.sink.tokens.take()
}

/// The value of attribute `key` of a tag's `attrs`.
pub fn attr<'a>(attrs: &'a [(String, String)], key: &str) -> Option<&'a str> {
    attrs
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, value)| value.as_str())
}

/// What paper shows of an HTML block that only opens or closes
/// collapsible sections (`<details>`, `<summary>`) and plain wrappers
/// (`<div>`, `<p>`, `<center>`), or holds only comments: the texts of its
/// summaries, each of which on paper titles a section that is always
/// open. `None` when the block holds anything else, which paper loses.
///
/// READMEs fold their per-system instructions into `<details>` with a
/// `<summary>Linux</summary>`; the Markdown inside is parsed as Markdown,
/// so the summaries are all that raw HTML hides from the page.
pub fn paper_summaries(html: &str) -> Option<Vec<String>> {
    let mut summaries = Vec::new();
    // The text of the summary being read, if one is open.
    let mut open: Option<String> = None;
    for token in tokenize(html) {
        let (name, start) = match &token {
            Token::Text(text) => {
                match open.as_mut() {
                    Some(summary) => summary.push_str(text),
                    None if text.trim().is_empty() => {}
                    None => return None,
                }
                continue;
            }
            Token::Start { name, .. } => (name.as_str(), true),
            Token::End { name } => (name.as_str(), false),
            Token::Doctype(_) => return None,
        };
        match (name, open.is_some()) {
            ("summary", false) if start => open = Some(String::new()),
            ("summary", true) if !start => {
                let text = open.take().unwrap_or_default();
                let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
                if !text.is_empty() {
                    summaries.push(text);
                }
            }
            ("details" | "div" | "p" | "center", false) => {}
            ("b" | "strong" | "i" | "em" | "code" | "kbd" | "span", true) => {}
            _ => return None,
        }
    }
    open.is_none().then_some(summaries)
}

/// How paper sets the text an inline HTML element wraps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phrase {
    /// `<b>`, `<strong>`: bold.
    Bold,
    /// `<i>`, `<em>`, `<cite>`, `<var>`: italic.
    Italic,
    /// `<s>`, `<del>`, `<strike>`: struck through.
    Struck,
    /// `<code>`, `<kbd>`, `<samp>`, `<tt>`: monospaced.
    Code,
    /// `<sup>`: raised and smaller.
    Superscript,
    /// `<sub>`: lowered and smaller.
    Subscript,
    /// `<span>`, `<u>`, `<ins>`, `<mark>`, `<small>`, `<abbr>`, `<a>`
    /// without a link (an anchor): as the text around it.
    Plain,
}

/// What one fragment of inline HTML is on paper (pulldown-cmark hands
/// over one tag, or one comment, at a time); `None` for anything paper
/// cannot show, which is reported as lost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InlineTag {
    /// The start of an element that sets its text as `Phrase`.
    Open(Phrase),
    /// Its end.
    Close(Phrase),
    /// `<br>`: a line break.
    Break,
    /// A comment: nothing to show.
    Nothing,
}

/// Reads an inline HTML fragment as paper sets it (see [`InlineTag`]).
pub fn inline_tag(html: &str) -> Option<InlineTag> {
    let tokens = tokenize(html);
    let (name, open) = match tokens.as_slice() {
        [] => return Some(InlineTag::Nothing),
        [Token::Start { name, attrs, .. }] => {
            // A link written in HTML stays reported: its address is lost.
            if name == "a" && attr(attrs, "href").is_some() {
                return None;
            }
            (name.as_str(), true)
        }
        [Token::End { name }] => (name.as_str(), false),
        _ => return None,
    };
    let phrase = match name {
        "br" if open => return Some(InlineTag::Break),
        "b" | "strong" => Phrase::Bold,
        "i" | "em" | "cite" | "var" => Phrase::Italic,
        "s" | "del" | "strike" => Phrase::Struck,
        "code" | "kbd" | "samp" | "tt" => Phrase::Code,
        "sup" => Phrase::Superscript,
        "sub" => Phrase::Subscript,
        "span" | "u" | "ins" | "mark" | "small" | "abbr" | "a" => Phrase::Plain,
        _ => return None,
    };
    Some(if open {
        InlineTag::Open(phrase)
    } else {
        InlineTag::Close(phrase)
    })
}

#[cfg(test)]
mod tests {
    use super::paper_summaries;

    #[test]
    fn inline_tags_as_paper_sets_them() {
        use super::{InlineTag::*, Phrase::*, inline_tag};
        assert_eq!(inline_tag("<sup>"), Some(Open(Superscript)));
        assert_eq!(inline_tag("</B>"), Some(Close(Bold)));
        assert_eq!(inline_tag("<br />"), Some(Break));
        assert_eq!(inline_tag("<!-- ignore -->"), Some(Nothing));
        assert_eq!(inline_tag("<a id=\"move\">"), Some(Open(Plain)));
        for lost in [
            "<a href=\"https://x\">",
            "<Listing number=\"4-3\">",
            "<img src=a.png>",
        ] {
            assert_eq!(inline_tag(lost), None, "{lost}");
        }
    }

    #[test]
    fn summaries_are_what_paper_shows_of_collapsible_sections() {
        let opening = "   <details>\n   <summary>Linux / <b>WSL</b></summary>\n";
        assert_eq!(
            paper_summaries(opening),
            Some(vec!["Linux / WSL".to_string()])
        );
        for nothing_lost in [
            "</details>\n",
            "<div align=\"center\">\n",
            "<!-- note -->\n",
        ] {
            assert_eq!(
                paper_summaries(nothing_lost),
                Some(Vec::new()),
                "{nothing_lost}"
            );
        }
        for lost in [
            "<details><summary>A</summary>text</details>",
            "<table><tr><td>x</td></tr></table>",
            "<summary>open",
        ] {
            assert_eq!(paper_summaries(lost), None, "{lost}");
        }
    }
}
