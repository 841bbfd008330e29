#!/usr/bin/env bash
# Time per megabyte for the document shapes that make a typesetter do
# superlinear work if it is careless: one long paragraph, many footnotes,
# deep lists, wide tables, many headings, very long words, long lines of
# code. Each shape is made at two sizes; if the seconds per MB at the
# larger size are not close to those at the smaller, something grows
# faster than the input. Prints one line per shape and size.
#
#   scripts/shapes.sh [BINARY]    default: target/release/mdg-export
#
# A benchmark, not a test: the machines are shared and their timings
# noisy. The ceiling the README states is checked by eye from this table.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(realpath "${1:-target/release/mdg-export}")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

make_shape() {
  local shape=$1 bytes=$2
  python3 - "$shape" "$bytes" <<'EOF'
import sys
shape, size = sys.argv[1], int(sys.argv[2])
words = ["millenniemålen", "och", "fattigdom", "utveckling", "världen", "år", "som", "hälsa"]
out, n = ["# Form\n\n"], 0
def total():
    return sum(len(s.encode()) for s in out)
while total() < size:
    n += 1
    w = words[n % len(words)]
    if shape == "paragraph":
        out.append(f"{w} " * 50)
    elif shape == "footnotes":
        out.append(f"Mening {n} om {w}.[^{n}]\n\n[^{n}]: Not {n} om {w}.\n\n")
    elif shape == "lists":
        out.append("".join(f"{'  ' * d}- {w} {d}\n" for d in range(12)) + "\n")
    elif shape == "tables":
        if n % 40 == 1:
            out.append("\n|" + "|".join(f"k{i}" for i in range(12)) + "|\n|" + "|".join("-" * 12) + "|\n")
        out.append("|" + "|".join(f"{w}{i}" for i in range(12)) + "|\n")
    elif shape == "headings":
        out.append(f"## Rubrik {n} {w}\n\nText {w}.\n\n")
    elif shape == "longwords":
        out.append(w * 400 + "\n\n")
    elif shape == "code":
        out.append("```\n" + "".join(f"let {w}_{i} = [{', '.join(str(k) for k in range(60))}];\n" for i in range(20)) + "```\n\n")
sys.stdout.write("".join(out))
EOF
}

printf '%-10s %9s %8s %8s %8s\n' shape bytes seconds 's/MB' 'peak MB'
for shape in paragraph footnotes lists tables headings longwords code; do
  for bytes in 250000 1000000; do
    make_shape "$shape" "$bytes" > "$tmp/$shape.md"
    size=$(wc -c < "$tmp/$shape.md")
    /usr/bin/time -f '%e %M' -o "$tmp/usage" \
      "$bin" all "$tmp/$shape.md" --out-dir "$tmp/out" --quiet
    read -r seconds rss < "$tmp/usage"
    awk -v s="$shape" -v b="$size" -v t="$seconds" -v r="$rss" \
      'BEGIN { printf "%-10s %9d %8.2f %8.2f %8d\n", s, b, t, t / (b / 1e6), r / 1024 }'
  done
done
