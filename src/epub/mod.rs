//! EPUB back end: model → XHTML chapters → EPUB 3 package.
