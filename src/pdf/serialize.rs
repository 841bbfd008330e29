//! The finished document → PDF file bytes (ISO 32000-1, 7.5: header,
//! body, cross-reference table, trailer).
//!
//! lopdf's own writer formats through `&mut dyn Write`, a dynamic call
//! per byte of a name and a `write!` per object header: on a long
//! brochure, writing out the structure tree's thousands of small
//! dictionaries took a tenth of the whole export. This writer appends to
//! one buffer and gives the same bytes (checked against lopdf's in the
//! tests), so the file is what lopdf would write, only sooner.

use crate::digits::push_integer as integer;
use lopdf::{Dictionary, Object, StringFormat};

const HEX: &[u8; 16] = b"0123456789ABCDEF";

/// Writes `doc` with a classic cross-reference table. The trailer's
/// `/Size` is set, as lopdf's writer does.
pub fn write_document(doc: &mut lopdf::Document) -> Vec<u8> {
    let estimate: usize = doc
        .objects
        .values()
        .map(|object| match object {
            Object::Stream(stream) => stream.content.len() + 128,
            _ => 96,
        })
        .sum();
    let mut out = Vec::with_capacity(estimate + 1024);
    out.extend_from_slice(b"%PDF-");
    out.extend_from_slice(doc.version.as_bytes());
    out.push(b'\n');
    if doc.binary_mark.iter().all(|&byte| byte >= 128) {
        out.push(b'%');
        out.extend_from_slice(&doc.binary_mark);
        out.push(b'\n');
    }
    // (object number, offset, generation) in number order.
    let mut offsets: Vec<(u32, usize, u16)> = Vec::with_capacity(doc.objects.len());
    for (&(id, generation), object) in &doc.objects {
        offsets.push((id, out.len(), generation));
        integer(&mut out, i64::from(id));
        out.push(b' ');
        integer(&mut out, i64::from(generation));
        out.extend_from_slice(b" obj\n");
        if needs_separator(object) {
            out.push(b' ');
        }
        write_object(&mut out, object);
        if needs_end_separator(object) {
            out.push(b' ');
        }
        out.extend_from_slice(b"\nendobj\n");
    }

    let xref_start = out.len();
    out.extend_from_slice(b"xref\n");
    write_xref(&mut out, &offsets, doc.max_id + 1);
    doc.trailer.set("Size", i64::from(doc.max_id + 1));
    out.extend_from_slice(b"trailer\n");
    write_dictionary(&mut out, &doc.trailer);
    out.extend_from_slice(b"\nstartxref\n");
    integer(&mut out, xref_start as i64);
    out.extend_from_slice(b"\n%%EOF");
    out
}

/// A cross-reference entry: an object's offset and generation, or `None`
/// for the free entry 0.
type XrefEntry = Option<(usize, u16)>;

/// The table's sections: runs of consecutive object numbers, the first
/// starting with the free entry 0 (ISO 32000-1, 7.5.4).
fn write_xref(out: &mut Vec<u8>, offsets: &[(u32, usize, u16)], size: u32) {
    // Entry 0, then each run of numbers that have objects.
    let mut sections: Vec<(u32, Vec<XrefEntry>)> = vec![(0, vec![None])];
    for &(id, offset, generation) in offsets.iter().filter(|(id, ..)| *id < size) {
        let (start, entries) = sections.last().expect("entry 0 is there");
        if start + entries.len() as u32 != id {
            // A gap in the numbering starts a new section.
            sections.push((id, Vec::new()));
        }
        let (_, entries) = sections.last_mut().expect("one is there");
        entries.push(Some((offset, generation)));
    }
    for (start, entries) in sections {
        integer(out, i64::from(start));
        out.push(b' ');
        integer(out, entries.len() as i64);
        out.push(b'\n');
        for entry in entries {
            match entry {
                Some((offset, generation)) => {
                    padded(out, offset as u64, 10);
                    out.push(b' ');
                    padded(out, u64::from(generation), 5);
                    out.extend_from_slice(b" n \n");
                }
                None => out.extend_from_slice(b"0000000000 65535 f \n"),
            }
        }
    }
}

fn needs_separator(object: &Object) -> bool {
    matches!(
        object,
        Object::Null
            | Object::Boolean(_)
            | Object::Integer(_)
            | Object::Real(_)
            | Object::Reference(_)
    )
}

fn needs_end_separator(object: &Object) -> bool {
    needs_separator(object) || matches!(object, Object::Name(_) | Object::Stream(_))
}

fn write_object(out: &mut Vec<u8>, object: &Object) {
    match object {
        Object::Null => out.extend_from_slice(b"null"),
        Object::Boolean(true) => out.extend_from_slice(b"true"),
        Object::Boolean(false) => out.extend_from_slice(b"false"),
        Object::Integer(value) => integer(out, *value),
        Object::Real(value) => {
            use std::io::Write as _;
            let _ = write!(out, "{value}");
        }
        Object::Name(name) => write_name(out, name),
        Object::String(text, format) => write_string(out, text, *format),
        Object::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 && needs_separator(item) {
                    out.push(b' ');
                }
                write_object(out, item);
            }
            out.push(b']');
        }
        Object::Dictionary(dict) => write_dictionary(out, dict),
        Object::Stream(stream) => {
            write_dictionary(out, &stream.dict);
            out.extend_from_slice(b"stream\n");
            out.extend_from_slice(&stream.content);
            out.extend_from_slice(b"\nendstream");
        }
        Object::Reference((id, generation)) => {
            integer(out, i64::from(*id));
            out.push(b' ');
            integer(out, i64::from(*generation));
            out.extend_from_slice(b" R");
        }
    }
}

fn write_dictionary(out: &mut Vec<u8>, dict: &Dictionary) {
    out.extend_from_slice(b"<<");
    for (key, value) in dict.iter() {
        write_name(out, key);
        if needs_separator(value) {
            out.push(b' ');
        }
        write_object(out, value);
    }
    out.extend_from_slice(b">>");
}

/// `/Name`, with white space, delimiters, `#` and bytes outside `!`…`~`
/// as `#xx` (ISO 32000-1, 7.3.5).
fn write_name(out: &mut Vec<u8>, name: &[u8]) {
    let plain = |byte: u8| (33..=126).contains(&byte) && !b"()<>[]{}/%#".contains(&byte);
    out.push(b'/');
    if name.iter().all(|&byte| plain(byte)) {
        out.extend_from_slice(name);
        return;
    }
    for &byte in name {
        if plain(byte) {
            out.push(byte);
        } else {
            out.extend_from_slice(&[
                b'#',
                HEX[usize::from(byte >> 4)],
                HEX[usize::from(byte & 15)],
            ]);
        }
    }
}

/// A literal string escapes `\`, carriage returns and parentheses that do
/// not pair up; a hexadecimal one is written in capitals (ISO 32000-1,
/// 7.3.4).
fn write_string(out: &mut Vec<u8>, text: &[u8], format: StringFormat) {
    match format {
        StringFormat::Literal => {
            let mut escaped = Vec::new();
            let mut open = Vec::new();
            for (index, &byte) in text.iter().enumerate() {
                match byte {
                    b'(' => open.push(index),
                    // A `)` with no `(` before it to close.
                    b')' if open.pop().is_none() => escaped.push(index),
                    b'\\' | b'\r' => escaped.push(index),
                    _ => {}
                }
            }
            escaped.extend(open);
            out.push(b'(');
            if escaped.is_empty() {
                out.extend_from_slice(text);
            } else {
                escaped.sort_unstable();
                let mut marks = escaped.into_iter().peekable();
                for (index, &byte) in text.iter().enumerate() {
                    if marks.peek() == Some(&index) {
                        marks.next();
                        escape(out, byte);
                    } else {
                        out.push(byte);
                    }
                }
            }
            out.push(b')');
        }
        StringFormat::Hexadecimal => {
            out.push(b'<');
            for &byte in text {
                out.extend_from_slice(&[HEX[usize::from(byte >> 4)], HEX[usize::from(byte & 15)]]);
            }
            out.push(b'>');
        }
    }
}

/// `byte` after a backslash, as a literal string writes it: a carriage
/// return as `\r`, which read unescaped would become a line feed.
pub(super) fn escape(out: &mut Vec<u8>, byte: u8) {
    out.push(b'\\');
    out.push(if byte == b'\r' { b'r' } else { byte });
}

/// `value` with leading zeros to `width` digits.
fn padded(out: &mut Vec<u8>, value: u64, width: usize) {
    let start = out.len();
    integer(out, value as i64);
    let digits = out.len() - start;
    if digits < width {
        out.splice(start..start, std::iter::repeat_n(b'0', width - digits));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lopdf::{Stream, dictionary};

    /// A document with every kind of object, including the odd ones.
    fn sample() -> lopdf::Document {
        let mut doc = lopdf::Document::with_version("1.7");
        // What printpdf's documents have.
        doc.reference_table.cross_reference_type = lopdf::xref::XrefType::CrossReferenceTable;
        let font = doc.add_object(dictionary! {
            "Type" => "Font",
            "Name" => Object::Name(b"A B#(c)/\xC3\xA5".to_vec()),
            "Widths" => vec![1.into(), Object::Real(0.5), Object::Real(-12.25), Object::Null],
        });
        doc.add_object(Object::String(
            b"a (b) c) \\ (d\r".to_vec(),
            StringFormat::Literal,
        ));
        doc.add_object(Object::String(
            vec![0xFE, 0xFF, 0, 0xE5],
            StringFormat::Hexadecimal,
        ));
        doc.add_object(Stream::new(
            dictionary! { "Font" => font, "Flag" => true },
            b"BT ET".to_vec(),
        ));
        // A gap in the numbering starts a new section of the table.
        doc.objects.insert((9, 0), Object::Integer(-42));
        doc.max_id = 9;
        doc.trailer.set("Root", Object::Reference(font));
        doc
    }

    #[test]
    fn the_bytes_are_those_lopdf_writes() {
        let mut ours = sample();
        let mut theirs = sample();
        let mut expected = Vec::new();
        theirs.save_to(&mut expected).unwrap();
        assert_eq!(
            String::from_utf8_lossy(&write_document(&mut ours)),
            String::from_utf8_lossy(&expected)
        );
    }

    #[test]
    fn numbers_are_padded_in_the_table() {
        let mut out = Vec::new();
        padded(&mut out, 1234, 10);
        out.push(b' ');
        padded(&mut out, 0, 5);
        assert_eq!(out, b"0000001234 00000");
    }
}
