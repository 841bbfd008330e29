#!/usr/bin/env bash
# Validates exported files with the real tools a print shop or an e-book
# distributor would use: EPUBCheck 5 for the EPUB, qpdf and pdffonts for
# the PDF. Usage: scripts/validate.sh FILE.pdf|FILE.epub ...
# Fails (exit 1) on any EPUBCheck error or warning, any qpdf problem, or
# any font that is not embedded as a subset with a Unicode map.
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
      ;;
    *) echo "FAIL unknown file type: $file"; status=1 ;;
  esac
done
exit $status
