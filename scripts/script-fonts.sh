#!/bin/sh
# Rebuilds the compressed script fonts in fonts/ from the Debian packages
# (see fonts/README.md): the Simplified Chinese faces are taken out of the
# Noto CJK collections and cut to GB 2312 with fontTools, then everything
# is compressed with Brotli at its best.
# Needs: apt-get install fonts-noto-cjk fonts-noto-core fonts-dejavu-core python3-fonttools brotli
set -eu
out=$(cd "$(dirname "$0")/../fonts" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
/usr/bin/python3 - "$tmp" <<'PY'
import sys
from fontTools.ttLib import TTCollection
tmp = sys.argv[1]
# Index 2 of each collection is the SC (Simplified Chinese) face.
for ttc, name in [("NotoSerifCJK-Regular", "NotoSerifCJKsc-Regular"),
                  ("NotoSansCJK-Bold", "NotoSansCJKsc-Bold")]:
    font = TTCollection("/usr/share/fonts/opentype/noto/%s.ttc" % ttc, lazy=True).fonts[2]
    assert font["name"].getDebugName(6) == name
    font.save("%s/%s.otf" % (tmp, name))
# GB 2312 (every character Python's codec encodes), with the whole of the
# CJK punctuation and full-width blocks.
codes = set()
for cp in range(0x20, 0x10000):
    try:
        chr(cp).encode("gb2312")
        codes.add(cp)
    except UnicodeError:
        pass
codes |= set(range(0x3000, 0x3040)) | set(range(0xFF01, 0xFF61)) | set(range(0xFFE0, 0xFFE7))
with open("%s/gb2312.txt" % tmp, "w") as f:
    f.write("\n".join("U+%04X" % c for c in sorted(codes)))
PY
for name in NotoSerifCJKsc-Regular NotoSansCJKsc-Bold; do
  /usr/bin/python3 -m fontTools.subset "$tmp/$name.otf" --unicodes-file="$tmp/gb2312.txt" \
    --layout-features='*' --name-IDs='*' --name-languages='*' --notdef-outline \
    --output-file="$tmp/$name-GB2312.otf"
  brotli -q 11 -w 24 -c "$tmp/$name-GB2312.otf" > "$out/$name-GB2312.otf.br"
done
for file in /usr/share/fonts/truetype/noto/NotoNaskhArabic-Regular.ttf \
            /usr/share/fonts/truetype/noto/NotoNaskhArabic-Bold.ttf \
            /usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf; do
  brotli -q 11 -c "$file" > "$out/$(basename "$file").br"
done
