//! OpenType Layout tables for the EPUB's font subsets: one feature, for
//! the default script and Latin, with one lookup (OpenType 1.9, "OpenType
//! Layout Common Table Formats"; GPOS and GSUB share this frame).
//!
//! The lookup reaches its subtables through extension subtables (GPOS
//! lookup type 9, GSUB type 7), whose 32-bit offsets reach past the 64 KB
//! that 16-bit ones would when a subset has many pairs or ligatures.

use rustybuzz::ttf_parser;

/// The largest a subtable grows before the next one starts: its own
/// offsets are 16 bits.
pub(super) const MAX_SUBTABLE_BYTES: usize = 60_000;

/// The lookups of a face's GPOS or GSUB that its features tagged
/// `feature` use, for any script, each once, in lookup order.
pub(super) fn feature_lookups<'a>(
    table: &ttf_parser::opentype_layout::LayoutTable<'a>,
    feature: &[u8; 4],
) -> Vec<ttf_parser::opentype_layout::Lookup<'a>> {
    let mut indices: Vec<u16> = table
        .features
        .into_iter()
        .filter(|found| found.tag == ttf_parser::Tag::from_bytes(feature))
        .flat_map(|found| found.lookup_indices)
        .collect();
    indices.sort_unstable();
    indices.dedup();
    indices
        .into_iter()
        .filter_map(|index| table.lookups.get(index))
        .collect()
}

/// What the lookup does: its type in GPOS or in GSUB.
#[derive(Debug, Clone, Copy)]
pub(super) enum Lookup {
    /// A GPOS lookup of this type.
    Positioning(u16),
    /// A GSUB lookup of this type.
    Substitution(u16),
}

/// A big-endian table being written, with 16-bit offsets patched in
/// once what they point to is placed.
#[derive(Default)]
pub(super) struct Writer {
    /// What is written so far.
    pub(super) bytes: Vec<u8>,
}

impl Writer {
    pub(super) fn u16(&mut self, value: u16) {
        self.bytes.extend_from_slice(&value.to_be_bytes());
    }

    pub(super) fn tag(&mut self, tag: &[u8; 4]) {
        self.bytes.extend_from_slice(tag);
    }

    /// Reserves an offset field; returns where it is.
    pub(super) fn offset_slot(&mut self) -> usize {
        self.u16(0);
        self.bytes.len() - 2
    }

    /// Points the offset field at `slot` to here, counted from `base`.
    pub(super) fn point(&mut self, slot: usize, base: usize) {
        let offset = u16::try_from(self.bytes.len() - base).expect("subtables are kept small");
        self.bytes[slot..slot + 2].copy_from_slice(&offset.to_be_bytes());
    }

    /// Reserves a 32-bit offset field; returns where it is.
    pub(super) fn offset32_slot(&mut self) -> usize {
        self.bytes.extend_from_slice(&[0; 4]);
        self.bytes.len() - 4
    }

    /// Points the 32-bit offset field at `slot` to here, from `base`.
    pub(super) fn point32(&mut self, slot: usize, base: usize) {
        let offset = u32::try_from(self.bytes.len() - base).expect("a font is under 4 GB");
        self.bytes[slot..slot + 4].copy_from_slice(&offset.to_be_bytes());
    }

    /// A list of one record (the shape of a FeatureList and a
    /// LookupList), placed where the offset field at `list`, counted from
    /// the table's start, points: the count, the record's tag if it has
    /// one, and an offset to the record's own table, which starts here.
    fn list_of_one(&mut self, list: usize, tag: Option<&[u8; 4]>) {
        self.point(list, 0);
        let base = self.bytes.len();
        self.u16(1);
        if let Some(tag) = tag {
            self.tag(tag);
        }
        let record = self.offset_slot();
        self.point(record, base);
    }

    /// A coverage table of `glyphs`, which are in id order (format 1).
    pub(super) fn coverage(&mut self, glyphs: impl ExactSizeIterator<Item = u16>) {
        self.u16(1);
        self.u16(glyphs.len() as u16);
        for glyph in glyphs {
            self.u16(glyph);
        }
    }
}

/// A whole GPOS or GSUB table (version 1.0) whose one feature, `feature`,
/// has one lookup made of `subtables` (each written with offsets from its
/// own start).
pub(super) fn table(feature: &[u8; 4], lookup: Lookup, subtables: &[Vec<u8>]) -> Vec<u8> {
    let (extension, inner) = match lookup {
        Lookup::Positioning(kind) => (9, kind),
        Lookup::Substitution(kind) => (7, kind),
    };
    let mut w = Writer::default();
    w.u16(1); // major version
    w.u16(0); // minor version
    let script_list = w.offset_slot();
    let feature_list = w.offset_slot();
    let lookup_list = w.offset_slot();

    // ScriptList: DFLT and latn (in tag order), each with a default
    // language system that uses feature 0.
    w.point(script_list, 0);
    let base = w.bytes.len();
    w.u16(2);
    let mut script_slots = Vec::new();
    for tag in [b"DFLT", b"latn"] {
        w.tag(tag);
        script_slots.push(w.offset_slot());
    }
    for slot in script_slots {
        w.point(slot, base);
        let script = w.bytes.len();
        let lang_sys = w.offset_slot();
        w.u16(0); // no other language systems
        w.point(lang_sys, script);
        w.u16(0); // lookupOrderOffset: reserved
        w.u16(0xFFFF); // no required feature
        w.u16(1);
        w.u16(0); // feature 0
    }

    // FeatureList: the feature, with lookup 0.
    w.list_of_one(feature_list, Some(feature));
    w.u16(0); // no feature parameters
    w.u16(1);
    w.u16(0); // lookup 0

    // LookupList: the lookup, through extension subtables.
    w.list_of_one(lookup_list, None);
    let lookup_start = w.bytes.len();
    w.u16(extension);
    w.u16(0); // no flags
    w.u16(subtables.len() as u16);
    let extension_slots: Vec<usize> = subtables.iter().map(|_| w.offset_slot()).collect();
    let mut subtable_slots = Vec::with_capacity(subtables.len());
    for slot in extension_slots {
        w.point(slot, lookup_start);
        let record = w.bytes.len();
        w.u16(1); // format
        w.u16(inner);
        subtable_slots.push((w.offset32_slot(), record));
    }
    for ((slot, record), subtable) in subtable_slots.into_iter().zip(subtables) {
        w.point32(slot, record);
        w.bytes.extend_from_slice(subtable);
    }
    w.bytes
}
