//! Tagged PDF: the layout's structure tree written as a PDF structure
//! tree (ISO 32000-1, 14.7 and 14.8; ISO 14289-1, PDF/UA-1).
//!
//! While the pages are written, every drawn item becomes a marked-content
//! sequence: `/P <</MCID n>> BDC … EMC` for content, `/Artifact BMC … EMC`
//! for the rest ([`PageMarks::begin`]). Afterwards, on the lopdf document,
//! [`add_structure_tree`] builds the StructTreeRoot, one StructElem per
//! layout node, the ParentTree that maps every MCID and link annotation
//! back to its element, and the catalog and page entries that go with it.

use super::finish::text_string;
use crate::layout::{Pages, Role, Structure, Tag};
use lopdf::{Dictionary, Document, Object, ObjectId};
use std::collections::BTreeMap;

/// The marked content and link annotations of every page, in page order.
#[derive(Debug, Default)]
pub struct Marks {
    /// One entry a page.
    pub pages: Vec<PageMarks>,
    /// Counts every tagged item and annotation in drawing order, so that
    /// a node with both content and child nodes reads in that order.
    sequence: usize,
}

/// What one page marked.
#[derive(Debug, Default)]
pub struct PageMarks {
    /// The structure node and drawing sequence number of each MCID
    /// (the MCID is the index).
    pub mcids: Vec<(usize, usize)>,
    /// The tag and sequence number of each link annotation, in the order
    /// of the page's `/Annots`.
    pub links: Vec<(Tag, usize)>,
}

impl PageMarks {
    /// Opens an item's marked-content sequence in `content`; the caller
    /// closes it with `EMC`.
    pub fn begin(
        &mut self,
        tag: Tag,
        structure: &Structure,
        marks: &mut Marks,
        content: &mut super::content::Ops,
    ) {
        match tag {
            Tag::Node(node) => {
                let mcid = self.mcids.len();
                self.mcids.push((node, marks.sequence));
                marks.sequence += 1;
                let role = structure
                    .nodes
                    .get(node)
                    .map_or(Role::Paragraph, |n| n.role);
                content.begin_tagged(struct_type(role), mcid);
            }
            Tag::Artifact => content.begin_artifact(),
        }
    }

    /// Records a link annotation.
    pub fn link(&mut self, tag: Tag, marks: &mut Marks) {
        self.links.push((tag, marks.sequence));
        marks.sequence += 1;
    }
}

/// The standard structure type for a role (ISO 32000-1, 14.8.4).
pub fn struct_type(role: Role) -> &'static str {
    match role {
        Role::Document => "Document",
        Role::Section => "Sect",
        Role::Heading(1) => "H1",
        Role::Heading(2) => "H2",
        Role::Heading(3) => "H3",
        Role::Heading(4) => "H4",
        Role::Heading(5) => "H5",
        Role::Heading(_) => "H6",
        Role::Paragraph => "P",
        Role::List { .. } => "L",
        Role::ListItem => "LI",
        Role::Label => "Lbl",
        Role::ListBody => "LBody",
        Role::Quote => "BlockQuote",
        Role::Code => "Code",
        Role::Table => "Table",
        Role::Row => "TR",
        Role::HeaderCell => "TH",
        Role::Cell => "TD",
        Role::Figure => "Figure",
        Role::Note => "Note",
        Role::Link => "Link",
        Role::Contents => "TOC",
        Role::ContentsItem => "TOCI",
        Role::Division => "Div",
        Role::Span => "Span",
    }
}

/// A kid of a structure element that is not an element.
#[derive(Debug, Clone, Copy)]
enum Content {
    /// A marked-content sequence: page index and MCID.
    Mcid(usize, usize),
    /// An annotation: page index and its object.
    Annotation(usize, ObjectId),
}

/// A kid of a structure element.
#[derive(Debug, Clone, Copy)]
enum Kid {
    /// A child element (a node).
    Element(usize),
    /// Content of the element itself.
    Content(Content),
}

/// Writes the structure tree and marks the document as tagged.
pub fn add_structure_tree(
    doc: &mut Document,
    pages: &Pages,
    marks: &Marks,
    texts: &BTreeMap<usize, String>,
) -> Result<(), String> {
    let page_ids: Vec<ObjectId> = doc.get_pages().values().copied().collect();
    if page_ids.len() != marks.pages.len() {
        return Err("marked pages and written pages differ".into());
    }
    let structure = &pages.structure;
    let count = structure.nodes.len();

    // The content of each node, keyed by drawing sequence.
    let mut content: Vec<Vec<(usize, Content)>> = vec![Vec::new(); count];
    for (page, page_marks) in marks.pages.iter().enumerate() {
        for (mcid, &(node, sequence)) in page_marks.mcids.iter().enumerate() {
            if let Some(list) = content.get_mut(node) {
                list.push((sequence, Content::Mcid(page, mcid)));
            }
        }
    }
    // Link annotations become indirect objects (an OBJR needs a
    // reference), printable as PDF/A wants (ISO 19005-2, 6.3.2), with
    // their link's text as their description (ISO 14289-1, 7.18.5), and
    // a StructParent key after the pages' keys.
    let mut annotation_keys: Vec<(usize, ObjectId)> = Vec::new();
    let mut next_key = page_ids.len();
    for (page, (&page_id, page_marks)) in page_ids.iter().zip(&marks.pages).enumerate() {
        let annots = match doc
            .get_dictionary(page_id)
            .map_err(|e| e.to_string())?
            .get(b"Annots")
        {
            Ok(Object::Array(annots)) => annots.clone(),
            _ => Vec::new(),
        };
        if annots.len() != page_marks.links.len() {
            return Err(format!(
                "page {}: {} link annotations written, {} marked",
                page + 1,
                annots.len(),
                page_marks.links.len()
            ));
        }
        let mut refs = Vec::with_capacity(annots.len());
        for (annot, &(tag, sequence)) in annots.into_iter().zip(&page_marks.links) {
            let mut dict = match annot {
                Object::Dictionary(dict) => dict,
                Object::Reference(id) => doc.get_dictionary(id).map_err(|e| e.to_string())?.clone(),
                _ => return Err("a link annotation is not a dictionary".into()),
            };
            dict.set("F", Object::Integer(4));
            dict.set("P", Object::Reference(page_id));
            let id = doc.new_object_id();
            if let Tag::Node(node) = tag
                && node < count
            {
                if let Some(text) = texts.get(&node).filter(|t| !t.trim().is_empty()) {
                    dict.set("Contents", text_string(text.trim()));
                }
                dict.set("StructParent", Object::Integer(next_key as i64));
                annotation_keys.push((node, id));
                next_key += 1;
                content[node].push((sequence, Content::Annotation(page, id)));
            }
            doc.objects.insert(id, Object::Dictionary(dict));
            refs.push(Object::Reference(id));
        }
        let page_dict = doc
            .get_object_mut(page_id)
            .and_then(Object::as_dict_mut)
            .map_err(|e| e.to_string())?;
        if refs.is_empty() {
            page_dict.remove(b"Annots");
        } else {
            page_dict.set("Annots", Object::Array(refs));
        }
        page_dict.set("StructParents", Object::Integer(page as i64));
        // Tab order follows the structure (ISO 14289-1, 7.18.3).
        page_dict.set("Tabs", Object::Name(b"S".to_vec()));
    }

    // Where each subtree's content begins in drawing order.
    let mut first_sequence: Vec<Option<usize>> = vec![None; count];
    let mut order = Vec::new();
    collect_depth_first(structure, Structure::ROOT, &mut order);
    for &node in order.iter().rev() {
        let own = content[node].iter().map(|&(s, _)| s).min();
        let below = structure.nodes[node]
            .children
            .iter()
            .filter_map(|&c| first_sequence[c])
            .min();
        first_sequence[node] = match (own, below) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
    }
    // Empty nodes are left out, but for table cells: an empty cell still
    // holds its column's place.
    let mut written = vec![false; count];
    for &node in order.iter().rev() {
        let info = &structure.nodes[node];
        written[node] = node == Structure::ROOT
            || !content[node].is_empty()
            || matches!(info.role, Role::Cell | Role::HeaderCell)
            || info.children.iter().any(|&c| written[c]);
    }
    let ids: Vec<Option<ObjectId>> = written
        .iter()
        .map(|&w| w.then(|| doc.new_object_id()))
        .collect();
    let root_id = doc.new_object_id();

    let mut parent_of: Vec<Option<ObjectId>> = vec![None; count];
    parent_of[Structure::ROOT] = Some(root_id);
    for &node in &order {
        let Some(id) = ids[node] else { continue };
        for &child in &structure.nodes[node].children {
            parent_of[child] = Some(id);
        }
    }
    // The parent tree: for each page the element of each MCID.
    let parent_tree: Vec<Vec<Object>> = marks
        .pages
        .iter()
        .map(|p| {
            p.mcids
                .iter()
                .map(|&(node, _)| {
                    ids.get(node)
                        .copied()
                        .flatten()
                        .map_or(Object::Null, Object::Reference)
                })
                .collect()
        })
        .collect();

    for &node in &order {
        let Some(id) = ids[node] else { continue };
        let info = &structure.nodes[node];
        // Kids: child elements and own content. A node with content of its
        // own (a paragraph with links) reads in drawing order; one without
        // (a list item: label, then body) in the order layout gave.
        let own = !content[node].is_empty();
        let mut kids: Vec<(usize, Kid)> = info
            .children
            .iter()
            .enumerate()
            .filter(|&(_, &c)| ids[c].is_some())
            .map(|(k, &c)| {
                let key = if own {
                    first_sequence[c].unwrap_or(usize::MAX)
                } else {
                    k
                };
                (key, Kid::Element(c))
            })
            .collect();
        if own {
            kids.extend(content[node].iter().map(|&(s, c)| (s, Kid::Content(c))));
            kids.sort_by_key(|k| k.0);
        }
        let page = content[node]
            .iter()
            .min_by_key(|(s, _)| *s)
            .map(|&(_, c)| match c {
                Content::Mcid(p, _) | Content::Annotation(p, _) => p,
            });
        let mut k = Vec::with_capacity(kids.len());
        for (_, kid) in kids {
            match kid {
                Kid::Element(child) => k.push(Object::Reference(
                    ids[child].expect("only written nodes are kids"),
                )),
                Kid::Content(item) => k.push(match item {
                    Content::Mcid(p, mcid) if Some(p) == page => Object::Integer(mcid as i64),
                    Content::Mcid(p, mcid) => Object::Dictionary(Dictionary::from_iter(vec![
                        ("Type", Object::Name(b"MCR".to_vec())),
                        ("Pg", Object::Reference(page_ids[p])),
                        ("MCID", Object::Integer(mcid as i64)),
                    ])),
                    Content::Annotation(p, annot) => {
                        Object::Dictionary(Dictionary::from_iter(vec![
                            ("Type", Object::Name(b"OBJR".to_vec())),
                            ("Pg", Object::Reference(page_ids[p])),
                            ("Obj", Object::Reference(annot)),
                        ]))
                    }
                }),
            }
        }
        let mut dict = Dictionary::from_iter(vec![
            ("Type", Object::Name(b"StructElem".to_vec())),
            (
                "S",
                Object::Name(struct_type(info.role).as_bytes().to_vec()),
            ),
            ("P", Object::Reference(parent_of[node].unwrap_or(root_id))),
            ("K", Object::Array(k)),
        ]);
        if let Some(page) = page {
            dict.set("Pg", Object::Reference(page_ids[page]));
        }
        if let Some(alt) = &info.alt {
            dict.set("Alt", text_string(alt));
        }
        if let Some(lang) = &info.lang {
            dict.set("Lang", text_string(lang));
        }
        match info.role {
            // Header cells head their column (ISO 32000-1, 14.8.5.7;
            // ISO 14289-1, 7.5).
            Role::HeaderCell => dict.set(
                "A",
                Dictionary::from_iter(vec![
                    ("O", Object::Name(b"Table".to_vec())),
                    ("Scope", Object::Name(b"Column".to_vec())),
                ]),
            ),
            Role::List { numbered } => dict.set(
                "A",
                Dictionary::from_iter(vec![
                    ("O", Object::Name(b"List".to_vec())),
                    (
                        "ListNumbering",
                        Object::Name(if numbered {
                            b"Decimal".to_vec()
                        } else {
                            b"Disc".to_vec()
                        }),
                    ),
                ]),
            ),
            // A note needs an identifier (ISO 14289-1, 7.9).
            Role::Note => dict.set("ID", Object::string_literal(format!("note-{node}"))),
            _ => {}
        }
        // An element per paragraph, list item and table cell, kept until
        // the file is written: without the room its map grew for seven
        // entries it is a fifth smaller (issue 17's memory per MB).
        dict.as_hashmap_mut().shrink_to_fit();
        doc.objects.insert(id, Object::Dictionary(dict));
    }

    let mut nums = Vec::new();
    for (page, elements) in parent_tree.into_iter().enumerate() {
        nums.push(Object::Integer(page as i64));
        nums.push(Object::Array(elements));
    }
    for (key, (node, _)) in annotation_keys.iter().enumerate() {
        nums.push(Object::Integer((page_ids.len() + key) as i64));
        nums.push(ids[*node].map_or(Object::Null, Object::Reference));
    }
    let parent_tree_id = doc.add_object(Dictionary::from_iter(vec![("Nums", Object::Array(nums))]));
    doc.objects.insert(
        root_id,
        Object::Dictionary(Dictionary::from_iter(vec![
            ("Type", Object::Name(b"StructTreeRoot".to_vec())),
            (
                "K",
                Object::Reference(ids[Structure::ROOT].expect("the root is written")),
            ),
            ("ParentTree", Object::Reference(parent_tree_id)),
            ("ParentTreeNextKey", Object::Integer(next_key as i64)),
        ])),
    );

    let catalog = doc.catalog_mut().map_err(|e| e.to_string())?;
    catalog.set("StructTreeRoot", Object::Reference(root_id));
    catalog.set(
        "MarkInfo",
        Dictionary::from_iter(vec![("Marked", Object::Boolean(true))]),
    );
    Ok(())
}

/// Nodes in depth-first order from `node`.
fn collect_depth_first(structure: &Structure, node: usize, out: &mut Vec<usize>) {
    // An explicit stack: deep nesting must not overflow the call stack.
    let mut stack = vec![node];
    while let Some(node) = stack.pop() {
        out.push(node);
        if let Some(info) = structure.nodes.get(node) {
            stack.extend(info.children.iter().rev());
        }
    }
}
