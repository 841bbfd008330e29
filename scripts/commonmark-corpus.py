#!/usr/bin/env python3
"""Makes one Markdown document of the CommonMark specification's examples.

Usage: scripts/commonmark-corpus.py SPEC.txt OUT.md

Every example's Markdown input goes in under a heading of its own, inside
a block quote: the quote ends whatever the example leaves open (a code
fence, an HTML block, a list), so one example cannot swallow the next.
The spec's own part and section headings are kept around them. Tabs,
shown as U+2192 in the spec, become tabs again.

The result is a stress test for mdg-export's EPUB (and PDF): every
construct CommonMark has, raw HTML included, in one book.
"""

import re
import sys

FENCE = "`" * 32


def examples_and_headings(spec):
    """Yields ("heading", level, text) and ("example", number, markdown)."""
    in_example = False
    in_prose_fence = False
    markdown = None
    number = 0
    for line in spec.splitlines():
        if line.startswith("<!-- END TESTS -->"):
            break
        if line.startswith(FENCE + " example"):
            in_example = True
            markdown = []
            continue
        if in_example:
            if line == FENCE:
                in_example = False
            elif markdown is not None:
                if line == ".":
                    number += 1
                    yield ("example", number, "\n".join(markdown))
                    markdown = None
                else:
                    markdown.append(line.replace("\u2192", "\t"))
            continue
        if line.startswith("```"):
            in_prose_fence = not in_prose_fence
            continue
        match = re.match(r"^(#{1,2}) (\S.*)$", line)
        if match and not in_prose_fence:
            yield ("heading", len(match.group(1)), match.group(2).strip())


def quote(markdown):
    lines = markdown.split("\n")
    return "\n".join("> " + line if line else ">" for line in lines)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__.strip().splitlines()[2])
    with open(sys.argv[1], encoding="utf-8") as f:
        spec = f.read()
    version = re.search(r"^version: '([^']+)'", spec, re.M)
    version = version.group(1) if version else "?"
    out = [
        "---",
        "title: The CommonMark specification's examples",
        "lang: en",
        "author: John MacFarlane",
        f"description: Every example of the CommonMark Spec {version}, as a test of mdg-export",
        "---",
        "",
        f"The examples of the CommonMark Spec {version} by John MacFarlane,",
        "licensed under CC-BY-SA 4.0; each stands in a block quote of its own.",
        "",
    ]
    count = 0
    for kind, key, text in examples_and_headings(spec):
        if kind == "heading":
            out += ["#" * key + " " + text, ""]
        else:
            count += 1
            out += [f"### Example {key}", "", quote(text), ""]
    with open(sys.argv[2], "w", encoding="utf-8") as f:
        f.write("\n".join(out))
    print(f"commonmark-corpus: {count} examples written to {sys.argv[2]}")


if __name__ == "__main__":
    main()
