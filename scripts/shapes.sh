#!/usr/bin/env bash
# Time per megabyte for the document shapes that make a typesetter do
# superlinear work if it is careless: one long paragraph, many footnotes,
# deep lists, wide tables, tables of one-letter cells, many headings, very
# long words, long lines of code, many links, many image references. Each
# shape is made at two sizes, 4× apart; if the cost per MB at the larger
# size is not close to that at the smaller, something grows faster than
# the input. Prints one line per shape and size, then the ceiling: the
# worst seconds per MB and the worst peak memory per MB.
#
#   scripts/shapes.sh [BINARY]                 CPU seconds (user + sys, the
#                                              best of 3 runs) and peak memory
#   scripts/shapes.sh --instructions [BINARY]  instructions counted by
#                                              callgrind, at 1/4 the sizes
#
# default BINARY: target/release/mdg-export. A benchmark, not a test: the
# machines are shared and their timings noisy (on 2 busy cores the 1 MB
# runs came out 20–40 % dearer per MB than the 250 KB ones while callgrind
# counted the same instructions per MB, within 4 %: the difference is
# memory, not work). The instruction count is exact; use it to tell a
# superlinear path from noise.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=time
if [ "${1:-}" = --instructions ]; then
  mode=instructions
  shift
fi
bin=$(realpath "${1:-target/release/mdg-export}")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# A 2 × 2 PNG for the image references (written by Python's zlib).
python3 - "$tmp/bild.png" <<'EOF'
import struct, sys, zlib
def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
raw = b"".join(b"\0" + b"\x80\x40\x20" * 2 for _ in range(2))
png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
png += chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")
open(sys.argv[1], "wb").write(png)
EOF

make_shape() {
  local shape=$1 bytes=$2
  python3 - "$shape" "$bytes" <<'EOF'
import sys
shape, size = sys.argv[1], int(sys.argv[2])
words = ["millenniemålen", "och", "fattigdom", "utveckling", "världen", "år", "som", "hälsa"]
out, n, total = ["# Form\n\n"], 0, 8
while total < size:
    n += 1
    w = words[n % len(words)]
    if shape == "paragraph":
        s = f"{w} " * 50
    elif shape == "footnotes":
        s = f"Mening {n} om {w}.[^{n}]\n\n[^{n}]: Not {n} om {w}.\n\n"
    elif shape == "lists":
        s = "".join(f"{'  ' * d}- {w} {d}\n" for d in range(12)) + "\n"
    elif shape == "tables":
        s = ""
        if n % 40 == 1:
            s = "\n|" + "|".join(f"k{i}" for i in range(12)) + "|\n|" + "|".join("-" * 12) + "|\n"
        s += "|" + "|".join(f"{w}{i}" for i in range(12)) + "|\n"
    elif shape == "headings":
        s = f"## Rubrik {n} {w}\n\nText {w}.\n\n"
    elif shape == "longwords":
        s = w * 400 + "\n\n"
    elif shape == "code":
        s = "```\n" + "".join(f"let {w}_{i} = [{', '.join(str(k) for k in range(60))}];\n" for i in range(20)) + "```\n\n"
    elif shape == "links":
        s = f"Se [{w} {n}](https://example.org/{w}/{n}) och [nästa](#rubrik-{n % 50}) {w}.\n"
        if n % 20 == 0:
            s += "\n"
    elif shape == "cells":
        s = ""
        if n % 400 == 1:
            s = "\n|" + "|".join("k" * 20) + "|\n|" + "|".join("-" * 20) + "|\n"
        s += "|" + "|".join(w[0] * 20) + "|\n"
    elif shape == "images":
        s = f"Bild {n} om {w}: ![{w} {n}](bild.png) och text.\n\n"
    out.append(s)
    total += len(s.encode())
sys.stdout.write("".join(out))
EOF
}

shapes="paragraph footnotes lists tables cells headings longwords code links images"
if [ "$mode" = instructions ]; then
  printf '%-10s %9s %14s %12s\n' shape bytes instructions 'instr/byte'
  for shape in $shapes; do
    for bytes in 62500 250000; do
      make_shape "$shape" "$bytes" > "$tmp/$shape.md"
      size=$(wc -c < "$tmp/$shape.md")
      valgrind --tool=callgrind --callgrind-out-file="$tmp/cg" \
        "$bin" all "$tmp/$shape.md" --out-dir "$tmp/out" --quiet 2> "$tmp/log"
      refs=$(sed -n 's/.*I *refs: *//p' "$tmp/log" | tr -d ,)
      awk -v s="$shape" -v b="$size" -v r="$refs" \
        'BEGIN { printf "%-10s %9d %14.0f %12.0f\n", s, b, r, r / b }'
    done
  done
  exit 0
fi

printf '%-10s %9s %8s %8s %8s %8s\n' shape bytes 'cpu s' 's/MB' 'peak MB' 'MB/MB'
ceiling=0
memory=0
for shape in $shapes; do
  for bytes in 250000 1000000; do
    make_shape "$shape" "$bytes" > "$tmp/$shape.md"
    size=$(wc -c < "$tmp/$shape.md")
    best=""
    for _ in 1 2 3; do
      /usr/bin/time -f '%U %S %M' -o "$tmp/usage" \
        "$bin" all "$tmp/$shape.md" --out-dir "$tmp/out" --quiet
      read -r user sys rss < "$tmp/usage"
      cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')
      if [ -z "$best" ] || awk -v a="$cpu" -v b="$best" 'BEGIN { exit !(a < b) }'; then
        best=$cpu
      fi
    done
    line=$(awk -v s="$shape" -v b="$size" -v t="$best" -v r="$rss" \
      'BEGIN { printf "%-10s %9d %8.2f %8.2f %8d %8.0f\n", s, b, t, t / (b / 1e6), r / 1024, r / 1024 / (b / 1e6) }')
    echo "$line"
    ceiling=$(echo "$line" | awk -v c="$ceiling" '{ print ($4 > c ? $4 : c) }')
    memory=$(echo "$line" | awk -v m="$memory" '{ print ($6 > m ? $6 : m) }')
  done
done
echo "ceiling: $ceiling CPU seconds per MB of Markdown (the worst shape above)"
echo "memory: $memory MB of peak memory per MB of Markdown (the worst shape above; the"
echo "        README's ceiling, tested in bad_input.rs, is 100 MB + 1536 MB per MB)"
