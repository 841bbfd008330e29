//! What the EPUB subsets' GPOS and GSUB share: finding the face's lookups
//! for a feature, and the frame of the tables written for the subset, one
//! feature for the default script and Latin (OpenType 1.9, "OpenType
//! Layout Common Table Formats"). `write-fonts` lays the tables out and
//! moves subtables behind extension lookups when 16-bit offsets overflow.

use rustybuzz::ttf_parser;
use write_fonts::tables::layout::{
    Feature, FeatureList, FeatureRecord, LangSys, Script, ScriptList, ScriptRecord,
};
use write_fonts::types::Tag;

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

/// The script and feature lists of a table whose one feature, `feature`,
/// uses lookup 0, on by default for `DFLT` and `latn`: a reading system
/// that tags the text as Latin finds it as one that does not.
pub(super) fn one_feature(feature: &[u8; 4]) -> (ScriptList, FeatureList) {
    let script = |tag| {
        ScriptRecord::new(
            Tag::new(tag),
            Script::new(Some(LangSys::new(vec![0])), vec![]),
        )
    };
    let scripts = ScriptList::new(vec![script(b"DFLT"), script(b"latn")]);
    let features = FeatureList::new(vec![FeatureRecord::new(
        Tag::new(feature),
        Feature::new(None, vec![0]),
    )]);
    (scripts, features)
}

#[cfg(test)]
pub(super) mod tests {
    use write_fonts::FontBuilder;
    use write_fonts::types::Tag;

    /// The font `font` holds, completed with the tables of the face in
    /// `data` other than its layout tables.
    pub(in super::super) fn with_face_tables<'a>(
        mut font: FontBuilder<'a>,
        data: &'a [u8],
    ) -> Vec<u8> {
        let face = read_fonts::FontRef::new(data).unwrap();
        for record in face.table_directory().table_records() {
            let tag = record.tag();
            if ![b"GPOS", b"GSUB", b"GDEF"].map(Tag::new).contains(&tag) && !font.contains(tag) {
                font.add_raw(tag, face.table_data(tag).unwrap().as_bytes());
            }
        }
        font.build()
    }
}
