//! The font set: which font program sets which kind of text.
//!
//! The built-in set (Linux Libertine and Linux Biolinum, from Debian's
//! `fonts-linuxlibertine`, see `fonts/README.md`) is compiled into the
//! binary, so the tool needs nothing installed. `--font-dir` swaps any
//! face for a file of the user's.
//!
//! Scripts those faces lack have built-in faces of their own (Arabic,
//! Simplified Chinese, and a code face with Cyrillic and Greek), stored
//! Brotli-compressed and unpacked only when a document uses the script.

use std::fmt;
use std::path::Path;
use std::sync::{Arc, OnceLock};

/// The role a face plays in the design.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FaceRole {
    /// Running text.
    Regular,
    /// Emphasis.
    Italic,
    /// Strong emphasis.
    Bold,
    /// Strong emphasis inside emphasis.
    BoldItalic,
    /// Headings and the cover title.
    Heading,
    /// Running heads, footers, captions and table headers.
    Sans,
    /// Code.
    Mono,
    /// Glyphs the face asked for lacks (`--fallback-font`). Not one of
    /// [`FaceRole::ALL`]: a set has it only when one was given.
    Fallback,
    /// Code in scripts the code face lacks (Cyrillic, Greek).
    MonoScripts,
    /// Arabic script in running text.
    Arabic,
    /// Arabic script in headings and strong emphasis.
    ArabicBold,
    /// Chinese in running text.
    Cjk,
    /// Chinese in headings and strong emphasis.
    CjkBold,
}

impl FaceRole {
    /// Every role, in a fixed order (the order fonts are embedded in).
    pub const ALL: [FaceRole; 7] = [
        FaceRole::Regular,
        FaceRole::Italic,
        FaceRole::Bold,
        FaceRole::BoldItalic,
        FaceRole::Heading,
        FaceRole::Sans,
        FaceRole::Mono,
    ];

    /// The file stem looked for in `--font-dir` (`regular.otf`, `mono.ttf` …).
    pub fn file_stem(self) -> &'static str {
        match self {
            FaceRole::Regular => "regular",
            FaceRole::Italic => "italic",
            FaceRole::Bold => "bold",
            FaceRole::BoldItalic => "bold-italic",
            FaceRole::Heading => "heading",
            FaceRole::Sans => "sans",
            FaceRole::Mono => "mono",
            FaceRole::Fallback => "fallback",
            FaceRole::MonoScripts => "mono-scripts",
            FaceRole::Arabic => "arabic",
            FaceRole::ArabicBold => "arabic-bold",
            FaceRole::Cjk => "cjk",
            FaceRole::CjkBold => "cjk-bold",
        }
    }

    /// The built-in script faces that stand in for this face, in the
    /// order they are tried, for characters it lacks: a face of the same
    /// weight for each script.
    pub fn script_faces(self) -> &'static [FaceRole] {
        use FaceRole::*;
        match self {
            Regular | Italic | Sans | Fallback => &[Arabic, Cjk],
            Bold | BoldItalic | Heading => &[ArabicBold, CjkBold],
            Mono => &[MonoScripts, Arabic, Cjk],
            MonoScripts | Arabic | ArabicBold | Cjk | CjkBold => &[],
        }
    }

    /// Whether it is one of the built-in faces for other scripts.
    pub fn is_script(self) -> bool {
        matches!(
            self,
            FaceRole::MonoScripts
                | FaceRole::Arabic
                | FaceRole::ArabicBold
                | FaceRole::Cjk
                | FaceRole::CjkBold
        )
    }

    /// Whether a script face is meant for `c`. Asked before its font is
    /// looked at: a script face is unpacked only for its own script, and
    /// CJK fonts cover symbols and Latin that the main faces should set.
    pub fn serves(self, c: char) -> bool {
        let code = u32::from(c);
        match self {
            FaceRole::Arabic | FaceRole::ArabicBold => matches!(
                code,
                0x0600..=0x06FF | 0x0750..=0x077F | 0x08A0..=0x08FF | 0xFB50..=0xFDFF | 0xFE70..=0xFEFF
            ),
            FaceRole::Cjk | FaceRole::CjkBold => is_cjk(c),
            // Greek and Cyrillic (with their extensions): DejaVu has more,
            // but symbols in code keep the face they were set in before.
            FaceRole::MonoScripts => matches!(
                code,
                0x0370..=0x052F | 0x1C80..=0x1C8F | 0x1F00..=0x1FFF | 0x2DE0..=0x2DFF | 0xA640..=0xA69F
            ),
            _ => true,
        }
    }

    /// The face for running text with the given emphasis.
    pub fn for_style(bold: bool, italic: bool) -> FaceRole {
        match (bold, italic) {
            (false, false) => FaceRole::Regular,
            (false, true) => FaceRole::Italic,
            (true, false) => FaceRole::Bold,
            (true, true) => FaceRole::BoldItalic,
        }
    }

    /// Whether the face is bold (for CSS `font-weight`).
    pub fn is_bold(self) -> bool {
        matches!(
            self,
            FaceRole::Bold
                | FaceRole::BoldItalic
                | FaceRole::Heading
                | FaceRole::ArabicBold
                | FaceRole::CjkBold
        )
    }

    /// Whether the face is italic (for CSS `font-style`).
    pub fn is_italic(self) -> bool {
        matches!(self, FaceRole::Italic | FaceRole::BoldItalic)
    }
}

/// One font program and what it is called.
#[derive(Clone)]
pub struct Face {
    /// The role it plays.
    pub role: FaceRole,
    /// The font's family name from its `name` table, e.g. `Linux Libertine O`.
    pub family: String,
    /// The PostScript name, e.g. `LinLibertineO`, used in PDF font names.
    pub postscript_name: String,
    /// The OpenType font program (TrueType or CFF outlines).
    pub data: FontBytes,
    /// Where it came from, for messages (`built-in` or a path).
    pub origin: String,
}

impl fmt::Debug for Face {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Face")
            .field("role", &self.role)
            .field("family", &self.family)
            .field("bytes", &self.data.len())
            .field("origin", &self.origin)
            .finish()
    }
}

/// Whether `c` is Chinese, Japanese or Korean script or the punctuation
/// and full-width forms set with it (the Unicode blocks of CJK
/// ideographs, kana, bopomofo, CJK symbols and half- and full-width
/// forms): characters set on the ideographic em grid.
pub fn is_cjk(c: char) -> bool {
    matches!(
        u32::from(c),
        0x2E80..=0x2FDF
            | 0x3000..=0x30FF
            | 0x3100..=0x312F
            | 0x31C0..=0x31FF
            | 0x3200..=0x33FF
            | 0x3400..=0x4DBF
            | 0x4E00..=0x9FFF
            | 0xF900..=0xFAFF
            | 0xFE30..=0xFE4F
            | 0xFF00..=0xFFEF
            | 0x20000..=0x3FFFF
    )
}

/// A font program compiled in Brotli-compressed, unpacked on first use.
///
/// The Chinese faces are megabytes even cut to GB 2312; compressed they
/// cost the binary a third less, and a document that never uses the
/// script never pays for unpacking them.
pub struct Packed {
    compressed: &'static [u8],
    data: OnceLock<Vec<u8>>,
}

impl Packed {
    const fn new(compressed: &'static [u8]) -> Packed {
        Packed {
            compressed,
            data: OnceLock::new(),
        }
    }

    /// The font program, unpacked on the first call.
    pub fn bytes(&self) -> &[u8] {
        self.data.get_or_init(|| {
            let mut out = Vec::new();
            brotli_decompressor::BrotliDecompress(&mut &self.compressed[..], &mut out)
                .expect("the built-in script fonts are valid Brotli streams");
            out
        })
    }

    #[cfg(feature = "internals")]
    fn is_unpacked(&self) -> bool {
        self.data.get().is_some()
    }
}

/// The built-in script faces unpacked so far in this process: a document
/// pays for unpacking only the scripts it uses (`tests/lazy_fonts.rs`).
#[cfg(feature = "internals")]
pub fn unpacked_scripts() -> Vec<FaceRole> {
    BUILT_IN_SCRIPTS
        .iter()
        .filter(|(_, packed, ..)| packed.is_unpacked())
        .map(|(role, ..)| *role)
        .collect()
}

/// The bytes of a font program: compiled in, or read from a file.
///
/// The built-in fonts are megabytes; borrowing them from the binary
/// instead of copying them saves a copy at every start.
#[derive(Clone)]
pub enum FontBytes {
    /// Compiled into the binary.
    Static(&'static [u8]),
    /// Read at run time.
    Shared(Arc<[u8]>),
    /// Compiled in compressed (the script faces).
    Packed(&'static Packed),
}

impl std::ops::Deref for FontBytes {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        match self {
            FontBytes::Static(bytes) => bytes,
            FontBytes::Shared(bytes) => bytes,
            FontBytes::Packed(packed) => packed.bytes(),
        }
    }
}

impl AsRef<[u8]> for FontBytes {
    fn as_ref(&self) -> &[u8] {
        self
    }
}

/// The seven faces a document is set in.
#[derive(Debug, Clone)]
pub struct FontSet {
    faces: Vec<Face>,
}

static BUILT_IN: [(FaceRole, &[u8]); 7] = [
    (
        FaceRole::Regular,
        include_bytes!("../fonts/LinLibertine_R.otf"),
    ),
    (
        FaceRole::Italic,
        include_bytes!("../fonts/LinLibertine_RI.otf"),
    ),
    (
        FaceRole::Bold,
        include_bytes!("../fonts/LinLibertine_RB.otf"),
    ),
    (
        FaceRole::BoldItalic,
        include_bytes!("../fonts/LinLibertine_RBI.otf"),
    ),
    (
        FaceRole::Heading,
        include_bytes!("../fonts/LinBiolinum_RB.otf"),
    ),
    (FaceRole::Sans, include_bytes!("../fonts/LinBiolinum_R.otf")),
    (
        FaceRole::Mono,
        include_bytes!("../fonts/LinLibertine_M.otf"),
    ),
];

static MONO_SCRIPTS: Packed = Packed::new(include_bytes!("../fonts/DejaVuSansMono.ttf.br"));
static ARABIC: Packed = Packed::new(include_bytes!("../fonts/NotoNaskhArabic-Regular.ttf.br"));
static ARABIC_BOLD: Packed = Packed::new(include_bytes!("../fonts/NotoNaskhArabic-Bold.ttf.br"));
static CJK: Packed = Packed::new(include_bytes!(
    "../fonts/NotoSerifCJKsc-Regular-GB2312.otf.br"
));
static CJK_BOLD: Packed = Packed::new(include_bytes!("../fonts/NotoSansCJKsc-Bold-GB2312.otf.br"));

/// The built-in script faces with their family and PostScript names:
/// written here, as reading them from the fonts would unpack them.
static BUILT_IN_SCRIPTS: [(FaceRole, &Packed, &str, &str); 5] = [
    (
        FaceRole::MonoScripts,
        &MONO_SCRIPTS,
        "DejaVu Sans Mono",
        "DejaVuSansMono",
    ),
    (
        FaceRole::Arabic,
        &ARABIC,
        "Noto Naskh Arabic",
        "NotoNaskhArabic-Regular",
    ),
    (
        FaceRole::ArabicBold,
        &ARABIC_BOLD,
        "Noto Naskh Arabic",
        "NotoNaskhArabic-Bold",
    ),
    (
        FaceRole::Cjk,
        &CJK,
        "Noto Serif CJK SC",
        "NotoSerifCJKsc-Regular",
    ),
    (
        FaceRole::CjkBold,
        &CJK_BOLD,
        "Noto Sans CJK SC",
        "NotoSansCJKsc-Bold",
    ),
];

/// Why a font could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FontError {
    /// The file or `built-in`.
    pub origin: String,
    /// What is wrong with it.
    pub reason: String,
}

impl fmt::Display for FontError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot use font {}: {}", self.origin, self.reason)
    }
}

impl std::error::Error for FontError {}

impl FontSet {
    /// The fonts compiled into the binary.
    pub fn built_in() -> FontSet {
        let mut faces: Vec<Face> = BUILT_IN
            .iter()
            .map(|&(role, data)| {
                make_face(role, FontBytes::Static(data), "built-in".into())
                    .expect("the built-in fonts are valid OpenType fonts")
            })
            .collect();
        faces.extend(
            BUILT_IN_SCRIPTS
                .iter()
                .map(|&(role, packed, family, postscript_name)| Face {
                    role,
                    family: family.into(),
                    postscript_name: postscript_name.into(),
                    data: FontBytes::Packed(packed),
                    origin: "built-in".into(),
                }),
        );
        FontSet { faces }
    }

    /// The built-in set with every face found in `dir` put in its place.
    ///
    /// A face is looked for as `<role>.otf`, `<role>.ttf` (see
    /// [`FaceRole::file_stem`]); roles without a file keep the built-in face.
    pub fn with_dir(dir: &Path) -> Result<FontSet, FontError> {
        if !dir.is_dir() {
            return Err(FontError {
                origin: dir.display().to_string(),
                reason: "not a folder".into(),
            });
        }
        let mut set = FontSet::built_in();
        let mut found = 0;
        for face in &mut set.faces {
            for ext in ["otf", "ttf"] {
                let path = dir.join(format!("{}.{ext}", face.role.file_stem()));
                if !path.is_file() {
                    continue;
                }
                let origin = path.display().to_string();
                let data = read_font_file(&path, &origin)?;
                *face = make_face(face.role, FontBytes::Shared(Arc::from(data)), origin)?;
                found += 1;
                break;
            }
        }
        if found == 0 {
            return Err(FontError {
                origin: dir.display().to_string(),
                reason: "no font files named regular.otf, italic.otf, bold.otf, \
                         bold-italic.otf, heading.otf, sans.otf or mono.otf (or .ttf)"
                    .into(),
            });
        }
        Ok(set)
    }

    /// The set with `path` as the fallback face: characters a face lacks
    /// are set in it, where it has them (in the PDF; an EPUB reading
    /// system falls back on its own fonts).
    pub fn with_fallback(mut self, path: &Path) -> Result<FontSet, FontError> {
        let origin = path.display().to_string();
        let data = read_font_file(path, &origin)?;
        let face = make_face(
            FaceRole::Fallback,
            FontBytes::Shared(Arc::from(data)),
            origin,
        )?;
        self.faces.retain(|f| f.role != FaceRole::Fallback);
        self.faces.push(face);
        Ok(self)
    }

    /// The fallback face, if the set has one.
    pub fn fallback(&self) -> Option<&Face> {
        self.faces.iter().find(|f| f.role == FaceRole::Fallback)
    }

    /// The face for a role.
    pub fn face(&self, role: FaceRole) -> &Face {
        self.faces
            .iter()
            .find(|face| face.role == role)
            .expect("a font set has a face for every role")
    }

    /// All faces, in [`FaceRole::ALL`] order, then the script faces, then
    /// the fallback face.
    pub fn faces(&self) -> &[Face] {
        &self.faces
    }
}

/// The largest font file read from `--font-dir` or `--fallback-font`.
/// The biggest fonts in use, the CJK collections, are 20–30 MB; a file
/// past this is a mistake, and reading it whole would cost its size in
/// memory before anything could say so.
pub const MAX_FONT_BYTES: u64 = 64 * 1024 * 1024;

/// Reads a user's font file, refusing what is no regular file (a FIFO or
/// `/dev/zero` would never end) or larger than [`MAX_FONT_BYTES`].
fn read_font_file(path: &Path, origin: &str) -> Result<Vec<u8>, FontError> {
    use std::io::Read;
    let fail = |reason: String| FontError {
        origin: origin.to_string(),
        reason,
    };
    let file = std::fs::File::open(path).map_err(|err| fail(err.to_string()))?;
    let meta = file.metadata().map_err(|err| fail(err.to_string()))?;
    if !meta.is_file() {
        return Err(fail("not a regular file".into()));
    }
    let too_big = || {
        fail(format!(
            "the file is larger than the limit of {} MB for a font",
            MAX_FONT_BYTES >> 20
        ))
    };
    if meta.len() > MAX_FONT_BYTES {
        return Err(too_big());
    }
    let mut data = Vec::new();
    file.take(MAX_FONT_BYTES + 1)
        .read_to_end(&mut data)
        .map_err(|err| fail(err.to_string()))?;
    if data.len() as u64 > MAX_FONT_BYTES {
        return Err(too_big());
    }
    Ok(data)
}

fn make_face(role: FaceRole, data: FontBytes, origin: String) -> Result<Face, FontError> {
    use rustybuzz::ttf_parser;
    let fail = |reason: String| FontError {
        origin: origin.clone(),
        reason,
    };
    // A user's font is parsed whole now, so a broken file is reported
    // before any work; the built-in ones are known to be good, and a full
    // parse of a CFF font costs more than reading its names.
    if origin != "built-in" {
        ttf_parser::Face::parse(&data, 0)
            .map_err(|err| fail(format!("not an OpenType font ({err})")))?;
    }
    let raw = ttf_parser::RawFace::parse(&data, 0)
        .map_err(|err| fail(format!("not an OpenType font ({err})")))?;
    let names = raw
        .table(ttf_parser::Tag::from_bytes(b"name"))
        .and_then(ttf_parser::name::Table::parse)
        .ok_or_else(|| fail("the font has no name table".into()))?;
    let name = |id: u16| {
        names
            .names
            .into_iter()
            .filter(|name| name.name_id == id && name.is_unicode())
            .find_map(|name| name.to_string())
    };
    let family = name(ttf_parser::name_id::TYPOGRAPHIC_FAMILY)
        .or_else(|| name(ttf_parser::name_id::FAMILY))
        .unwrap_or_else(|| role.file_stem().to_string());
    let postscript_name =
        name(ttf_parser::name_id::POST_SCRIPT_NAME).unwrap_or_else(|| family.replace(' ', ""));
    Ok(Face {
        role,
        family,
        postscript_name,
        data,
        origin,
    })
}

impl Face {
    /// The advance width of each glyph as the font's `hmtx` table gives
    /// it, in ems: what a PDF viewer moves the pen by. Read straight from
    /// the tables (`head`, `hhea`, `hmtx`), without parsing the outlines.
    pub fn advances(&self) -> Option<Advances<'_>> {
        use rustybuzz::ttf_parser::{RawFace, Tag};
        let raw = RawFace::parse(&self.data, 0).ok()?;
        let head = raw.table(Tag::from_bytes(b"head"))?;
        let hhea = raw.table(Tag::from_bytes(b"hhea"))?;
        let hmtx = raw.table(Tag::from_bytes(b"hmtx"))?;
        let u16_at = |table: &[u8], at: usize| {
            table
                .get(at..at + 2)
                .map(|b| u16::from_be_bytes([b[0], b[1]]))
        };
        Some(Advances {
            units_per_em: f32::from(u16_at(head, 18)?.max(1)),
            metrics: usize::from(u16_at(hhea, 34)?),
            hmtx,
        })
    }
}

/// Advance widths read from a font's `hmtx` table.
pub struct Advances<'a> {
    units_per_em: f32,
    metrics: usize,
    hmtx: &'a [u8],
}

impl Advances<'_> {
    /// The advance of `glyph` in ems; glyphs past the last long metric
    /// share its advance (OpenType `hmtx`).
    pub fn get(&self, glyph: u16) -> f32 {
        let index = usize::from(glyph).min(self.metrics.saturating_sub(1));
        self.hmtx.get(index * 4..index * 4 + 2).map_or(0.0, |b| {
            f32::from(u16::from_be_bytes([b[0], b[1]])) / self.units_per_em
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_faces_cover_swedish() {
        let set = FontSet::built_in();
        for face in FaceRole::ALL.map(|role| set.face(role)) {
            let parsed = rustybuzz::ttf_parser::Face::parse(&face.data, 0).unwrap();
            for c in "åäöÅÄÖé–”’…".chars() {
                assert!(
                    parsed.glyph_index(c).is_some(),
                    "{:?} lacks {c:?}",
                    face.role
                );
            }
        }
        assert_eq!(set.face(FaceRole::Regular).family, "Linux Libertine O");
    }

    #[test]
    fn script_faces_are_named_as_their_fonts_say() {
        for face in FontSet::built_in().faces() {
            let read = make_face(face.role, face.data.clone(), "test".into()).unwrap();
            assert_eq!(
                (&read.family, &read.postscript_name),
                (&face.family, &face.postscript_name)
            );
        }
    }

    #[test]
    fn script_faces_cover_their_scripts() {
        let set = FontSet::built_in();
        for (role, text) in [
            (FaceRole::MonoScripts, "Съешь же ещё этих булок αβγ ΑΒΓ"),
            (FaceRole::Arabic, "العربية"),
            (FaceRole::ArabicBold, "العربية"),
            (FaceRole::Cjk, "中华人民共和国，联合国。「」"),
            (FaceRole::CjkBold, "中华人民共和国，联合国。「」"),
        ] {
            let face = rustybuzz::ttf_parser::Face::parse(&set.face(role).data, 0).unwrap();
            for c in text.chars().filter(|c| !c.is_whitespace()) {
                assert!(face.glyph_index(c).is_some(), "{role:?} lacks {c:?}");
            }
        }
    }
}
