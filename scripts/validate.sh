#!/usr/bin/env bash
# Validates exported files with the real tools a print shop or an e-book
# distributor would use: EPUBCheck 5 for the EPUB, qpdf and pdffonts for
# the PDF. Usage: scripts/validate.sh FILE.pdf|FILE.epub ...
# Fails (exit 1) on any EPUBCheck error or warning, any qpdf problem, any
# font that is not embedded as a subset with a Unicode map, or a PDF that
# is not tagged or lacks the PDF/A-2a and PDF/UA-1 identifiers (a reading
# edition: a --booklet print file is neither, check it with qpdf alone).
set -uo pipefail
status=0
for file in "$@"; do
  case "$file" in
    *.epub)
      report=$(epubcheck "$file" 2>&1)
      echo "$report" | grep -E "^(FATAL|ERROR|WARNING|USAGE)|Messages:|No errors" || true
      if echo "$report" | grep -qE "^(FATAL|ERROR|WARNING)"; then
        echo "FAIL epubcheck $file"; status=1
      else
        echo "ok   epubcheck $file: 0 errors, 0 warnings"
      fi
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
      for claim in "<pdfaid:part>2</pdfaid:part>" "<pdfaid:conformance>A</pdfaid:conformance>" "<pdfuaid:part>1</pdfuaid:part>"; do
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
