#!/usr/bin/env bash
# Fuzzes with AFL++ through cargo-afl, on stable Rust: the whole pipeline,
# or one of the direct targets, which run thousands of times faster:
# front_matter (the YAML reader), svg (an image's SVG path) and html (the
# EPUB's raw-HTML sanitizer).
#
#   fuzz/run.sh [TARGET] [SECONDS]   default pipeline, 600 s; findings in
#                                    fuzz/target/afl-TARGET/
#
# One fuzzer process, at the lowest priority: the machine is shared.
# Add the figures of a run (execs_done, edges_found, saved_crashes and
# saved_hangs in fuzz/target/afl-TARGET/default/fuzzer_stats) to
# docs/fuzzing.md.
#
# Seeds: the test cases, the summit text, the real documents of
# tests/corpus and, when ../shared is beside
# the repository, every example of the CommonMark spec (each prefixed with
# the options byte the target reads first). Reproduce a crash without
# AFL++ with `cargo run --bin replay -- FILE…` in this folder.
set -euo pipefail
cd "$(dirname "$0")"
target=${1:-pipeline}
seconds=${2:-600}
case "$target" in
  pipeline | front_matter | svg | html) ;;
  *) echo "no target $target: pipeline, front_matter, svg or html" >&2; exit 2 ;;
esac
command -v cargo-afl >/dev/null || cargo install --locked cargo-afl

seeds=target/seeds-$target
rm -rf "$seeds"
mkdir -p "$seeds"
spec=../../shared/corpus/commonmark-spec.txt
fence=$(printf '%.0s`' $(seq 32))
# The Markdown of every CommonMark example into folder $1, each prefixed
# with byte $2 (the options byte the pipeline and html targets read),
# keeping every $3-th one, and only those matching $4.
spec_examples() {
  [ -f "$spec" ] || return 0
  awk -v dir="$1" -v byte="$2" -v every="$3" -v want="$4" -v fence="$fence" '
    $0 == fence " example" { n++; keep = (n % every == 1 % every); input = 1; text = ""; next }
    $0 == fence { if (keep && text ~ want) { out = sprintf("%s/spec-%04d.md", dir, n); printf "%c%s", byte, text > out; close(out) } keep = 0; next }
    keep && input && $0 == "." { input = 0; next }
    keep && input { gsub(/→/, "\t"); text = text $0 "\n" }
  ' "$spec"
}
case "$target" in
front_matter)
  # The front matter of every document that has one, and a few shapes.
  for file in ../tests/cases/*.md ../content/*.md ../tests/corpus/*/*.md; do
    awk 'NR == 1 && $0 != "---" { exit } NR > 1 && ($0 == "---" || $0 == "...") { exit } NR > 1' \
      "$file" > "$seeds/$(basename "$(dirname "$file")")-$(basename "$file")"
  done
  printf 'title: "A *b*"\nauthor: [A, B]\nlang: sv-SE\ndate: 2010-09-20\n' > "$seeds/shapes-1"
  printf 'keywords:\n  - a\n  - b\nplace: {x: y}\ndescription: |\n  two\n  lines\n' > "$seeds/shapes-2"
  find "$seeds" -empty -delete
  ;;
svg)
  for file in $(git -C .. ls-files '*.svg'); do
    cp "../$file" "$seeds/$(echo "$file" | tr / -)"
  done
  printf '%s' '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><rect width="40" height="20" fill="#336"/><text x="2" y="15">Å</text></svg>' > "$seeds/text.svg"
  ;;
html)
  # The examples with raw HTML, as block (byte 0) and inline (byte 1).
  spec_examples "$seeds" 0 1 "<[a-zA-Z!?/]"
  for file in "$seeds"/spec-*; do
    { printf '\001'; tail -c +2 "$file"; } > "$file-inline"
  done
  ;;
pipeline)
for file in ../tests/cases/*.md ../content/toppmotet.md; do
  { printf '\000'; cat "$file"; } > "$seeds/$(basename "$file")"
done
# The real documents of tests/corpus (READMEs, a book chapter, tables,
# Greek, Russian and Swedish text), named after their folders.
for file in ../tests/corpus/*/*.md; do
  case "$file" in */SOURCE.md) continue ;; esac
  { printf '\000'; cat "$file"; } > "$seeds/corpus-$(basename "$(dirname "$file")").md"
done
# Examples sit between a line of 32 backticks + " example" and a line
# of 32 backticks; the Markdown is the part before the "." line. The
# spec writes tabs as →. Every tenth is enough to start from: each run
# of the target takes a tenth of a second or more, and AFL++ runs every
# seed several times before it starts.
spec_examples "$seeds" 0 10 ""
  ;;
esac
echo "$(ls "$seeds" | wc -l) seeds"

case "$target" in
  pipeline) dicts=(-x markdown.dict -x yaml.dict -x html.dict) timeout=5000 ;;
  front_matter) dicts=(-x yaml.dict) timeout=1000 ;;
  svg) dicts=(-x svg.dict) timeout=2000 ;;
  html) dicts=(-x html.dict) timeout=1000 ;;
esac
cargo afl build --release --features afl --bin "$target"
AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_UI=1 \
  nice -n 19 cargo afl fuzz -i "$seeds" -o "target/afl-$target" "${dicts[@]}" -t "$timeout" \
  -V "$seconds" "target/release/$target"
