#!/usr/bin/env python3
"""Measures justified-text quality in a PDF the way issue 3 defines it.

Reads `pdftotext -bbox-layout` (poppler) and, for every line of a body
block that is not the block's last and spans (almost) the full measure,
takes the mean gap between its words. Prints the number of lines, the share
that end with a hyphen, the longest run of hyphenated lines, and the spread:
95th percentile / median of those mean word spaces (1.0: every line spaced
alike). Usage: scripts/spacing.py FILE.pdf [FILE.pdf ...]
"""
import statistics
import subprocess
import sys
import xml.etree.ElementTree as ET

NS = {"x": "http://www.w3.org/1999/xhtml"}


def measure(path):
    xml = subprocess.run(["pdftotext", "-bbox-layout", path, "-"], capture_output=True, check=True).stdout
    root = ET.fromstring(xml)
    spaces, lines, hyphenated, run, longest = [], 0, 0, 0, 0
    for page in root.iterfind(".//x:page", NS):
        for block in page.iterfind(".//x:block", NS):
            block_lines = block.findall("x:line", NS)
            if len(block_lines) < 2:
                continue
            right = max(float(l.get("xMax")) for l in block_lines)
            for i, line in enumerate(block_lines):
                words = line.findall("x:word", NS)
                text = " ".join(w.text or "" for w in words)
                ends_hyphen = text.endswith(("-", "\u00ad"))
                last = i == len(block_lines) - 1
                full = float(line.get("xMax")) > right - 1.0
                if last or not full or len(words) < 2:
                    run = 0
                    continue
                lines += 1
                if ends_hyphen and not text.endswith(" -"):
                    hyphenated += 1
                    run += 1
                    longest = max(longest, run)
                else:
                    run = 0
                gaps = [float(b.get("xMin")) - float(a.get("xMax")) for a, b in zip(words, words[1:])]
                spaces.append(sum(gaps) / len(gaps))
    if not spaces:
        return f"{path}: no justified lines found"
    spaces.sort()
    median = statistics.median(spaces)
    p95 = spaces[round((len(spaces) - 1) * 0.95)]
    return (f"{path}: {lines} justified lines, {hyphenated} hyphenated ({100 * hyphenated / lines:.0f} %), "
            f"longest run {longest}; word space median {median:.2f} pt, p95 {p95:.2f} pt, spread {p95 / median:.2f}")


for arg in sys.argv[1:]:
    print(measure(arg))
