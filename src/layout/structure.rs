//! The logical structure of the laid-out document: what each drawn item
//! is (a heading, a list label, a table cell …) and which items are mere
//! decoration. The PDF writer turns this into a tagged PDF's structure
//! tree; nothing here knows about PDF.

/// What a drawn item is in the document's structure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Tag {
    /// Not content: page numbers, rules, ornaments, repeated table heads.
    /// A reader (or a screen reader) skips it.
    #[default]
    Artifact,
    /// Content of the structure node with this index in [`Structure`].
    Node(usize),
}

/// The role of a structure node, after the standard structure types of
/// tagged PDF and the elements of HTML.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// The whole document (the root).
    Document,
    /// A group of blocks: the cover, the table of contents.
    Section,
    /// A heading of level 1 to 6.
    Heading(u8),
    /// A paragraph (also a title, a caption, a stand-in for an image).
    Paragraph,
    /// A list, numbered or not.
    List {
        /// The items carry numbers.
        numbered: bool,
    },
    /// One list item: a label and a body.
    ListItem,
    /// A list item's bullet or number, a footnote's number.
    Label,
    /// A list item's content.
    ListBody,
    /// A block quotation.
    Quote,
    /// A block of code.
    Code,
    /// A table.
    Table,
    /// A table row.
    Row,
    /// A header cell (of the column below it).
    HeaderCell,
    /// A data cell.
    Cell,
    /// An image with its alternative text.
    Figure,
    /// A footnote or endnote.
    Note,
    /// A link: its text and its clickable area.
    Link,
    /// A table of contents.
    Contents,
    /// Blocks in another language (a fenced div).
    Division,
    /// Text in another language (a bracketed span).
    Span,
    /// One entry of a table of contents.
    ContentsItem,
}

/// A node of the structure tree.
#[derive(Debug, Clone, PartialEq)]
pub struct StructNode {
    /// What it is.
    pub role: Role,
    /// Child nodes in reading order. Content drawn with this node's
    /// [`Tag`] comes in drawing order; a node with both content and
    /// children (a paragraph with links) is read in drawing order.
    pub children: Vec<usize>,
    /// Alternative text (figures).
    pub alt: Option<String>,
    /// The language of the node's content where it differs from its
    /// parent's (a span or div with `lang`), as a BCP 47 tag.
    pub lang: Option<String>,
}

/// The structure tree: node 0 is the document, the root.
#[derive(Debug, Clone, PartialEq)]
pub struct Structure {
    /// The nodes; a node's index is its id.
    pub nodes: Vec<StructNode>,
}

impl Default for Structure {
    fn default() -> Self {
        Structure {
            nodes: vec![StructNode {
                role: Role::Document,
                children: Vec::new(),
                alt: None,
                lang: None,
            }],
        }
    }
}

impl Structure {
    /// The root's id.
    pub const ROOT: usize = 0;

    /// Adds a node as the last child of `parent`.
    pub fn add(&mut self, parent: usize, role: Role) -> usize {
        let id = self.add_detached(role);
        self.nodes[parent].children.push(id);
        id
    }

    /// Adds a node that is not in the tree yet (see [`Structure::attach`]).
    pub fn add_detached(&mut self, role: Role) -> usize {
        self.nodes.push(StructNode {
            role,
            children: Vec::new(),
            alt: None,
            lang: None,
        });
        self.nodes.len() - 1
    }

    /// Makes a detached node the last child of `parent`.
    pub fn attach(&mut self, parent: usize, node: usize) {
        self.nodes[parent].children.push(node);
    }

    /// Makes a detached node the child of `parent` at `index`.
    pub fn insert(&mut self, parent: usize, index: usize, node: usize) {
        let children = &mut self.nodes[parent].children;
        children.insert(index.min(children.len()), node);
    }

    /// How many children each node has now: where a copy of this tree,
    /// grown on another thread, forked (see [`Structure::join`]).
    pub fn fork_point(&self) -> Vec<usize> {
        self.nodes.iter().map(|node| node.children.len()).collect()
    }

    /// Adds what `other`, a copy of this tree taken at `fork`, grew since,
    /// as if it had grown here after this tree's own nodes: its new nodes
    /// are appended in order, and children it gave the nodes that existed
    /// at the fork follow the children this tree gave them. Returns how
    /// `other`'s node numbers change.
    pub fn join(&mut self, other: Structure, fork: &[usize]) -> Renumber {
        let renumber = Renumber {
            shared: fork.len(),
            offset: self.nodes.len() - fork.len(),
        };
        for (id, node) in other.nodes.into_iter().enumerate() {
            let children = node.children.iter().map(|&c| renumber.node(c));
            if let Some(&before) = fork.get(id) {
                let added: Vec<usize> = children.skip(before).collect();
                self.nodes[id].children.extend(added);
            } else {
                let children = children.collect();
                self.nodes.push(StructNode { children, ..node });
            }
        }
        renumber
    }
}

/// How node numbers of a tree joined by [`Structure::join`] change.
#[derive(Debug, Clone, Copy)]
pub struct Renumber {
    /// Nodes below this existed at the fork and keep their numbers.
    shared: usize,
    /// What the nodes added since move by.
    offset: usize,
}

impl Renumber {
    /// A node's new number.
    pub fn node(&self, id: usize) -> usize {
        if id < self.shared {
            id
        } else {
            id + self.offset
        }
    }

    /// A tag's new node.
    pub fn tag(&self, tag: Tag) -> Tag {
        match tag {
            Tag::Node(id) => Tag::Node(self.node(id)),
            Tag::Artifact => Tag::Artifact,
        }
    }
}
