#!/usr/bin/env bash
# Runs the deepest and largest inputs of docs/bad-input.md through the
# binary under a limit on its address space (`ulimit -v`), and prints the
# peak resident memory of each run:
#
# - 10 000 nested block quotes, lists and emphases, under 256 MB;
# - documents of 1, 2, 4 and 10 MB, each under 256 MB + 300 MB per MB of
#   input: memory grows linearly with the input (about 90 MB per MB, for
#   the glyphs of every page kept until the PDF is written).
#
#   scripts/limits.sh [BINARY]    default: target/debug/mdg-export
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(realpath "${1:-target/debug/mdg-export}")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

repeat() { printf "%${2}s" '' | sed "s/ /$1/g"; }
{ repeat '> ' 10000; echo djupt; } > "$tmp/quotes.md"
{ repeat '- ' 10000; echo botten; } > "$tmp/lists.md"
{ repeat '*a ' 10000; echo mitt; repeat ' b*' 10000; echo; } > "$tmp/emphasis.md"
paragraph='Toppmötet om millenniemålen i New York samlar stats- och regeringschefer för att utvärdera vilka framsteg som gjorts och vilka åtgärder som behövs fram till år 2015.'
for mb in 1 2 4 10; do
  awk -v p="$paragraph" -v max=$((mb * 1000000)) 'BEGIN { n = 0; size = 0;
    while (size < max) {
      if (n % 50 == 0) { h = "# Avsnitt " n "\n\n"; printf "%s", h; size += length(h) }
      line = p " " p " " p " " p "\n\n"; printf "%s", line; size += length(line); n++ } }' \
    > "$tmp/large-${mb}MB.md"
done

status=0
run() {
  local input=$1 limit_mb=$2
  local size
  size=$(wc -c < "$tmp/$input.md")
  # GNU time reports the peak resident size; the limit is on address space.
  if ( ulimit -v $((limit_mb * 1024)); /usr/bin/time -f '%M %e' -o "$tmp/usage" \
       "$bin" all "$tmp/$input.md" --out-dir "$tmp/out" --quiet ); then
    read -r rss seconds < "$tmp/usage"
    printf '%-12s %9d bytes: ok under ulimit -v %5d MB, peak %4d MB resident, %s s\n' \
      "$input" "$size" "$limit_mb" $((rss / 1024)) "$seconds"
  else
    printf '%-12s %9d bytes: FAILED under ulimit -v %d MB\n' "$input" "$size" "$limit_mb"
    status=1
  fi
}
for input in quotes lists emphasis; do
  run "$input" 256
done
for mb in 1 2 4 10; do
  run "large-${mb}MB" $((256 + 300 * mb))
done
exit $status
