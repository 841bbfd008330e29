#!/usr/bin/env bash
# Fuzzes the whole pipeline with AFL++ through cargo-afl, on stable Rust.
#
#   fuzz/run.sh [SECONDS]     default 600; findings in fuzz/target/afl/
#
# Seeds: the test cases, the summit text, the real documents of
# tests/corpus and, when ../shared is beside
# the repository, every example of the CommonMark spec (each prefixed with
# the options byte the target reads first). Reproduce a crash without
# AFL++ with `cargo run --bin replay -- FILE…` in this folder.
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:-600}
command -v cargo-afl >/dev/null || cargo install --locked cargo-afl

seeds=target/seeds
rm -rf "$seeds"
mkdir -p "$seeds"
for file in ../tests/cases/*.md ../content/toppmotet.md; do
  { printf '\000'; cat "$file"; } > "$seeds/$(basename "$file")"
done
# The real documents of tests/corpus (READMEs, a book chapter, tables,
# Greek, Russian and Swedish text), named after their folders.
for file in ../tests/corpus/*/*.md; do
  case "$file" in */SOURCE.md) continue ;; esac
  { printf '\000'; cat "$file"; } > "$seeds/corpus-$(basename "$(dirname "$file")").md"
done
spec=../../shared/corpus/commonmark-spec.txt
if [ -f "$spec" ]; then
  # Examples sit between a line of 32 backticks + " example" and a line
  # of 32 backticks; the Markdown is the part before the "." line. The
  # spec writes tabs as →. Every tenth is enough to start from: each run
  # of the target takes a tenth of a second or more, and AFL++ runs every
  # seed several times before it starts.
  fence=$(printf '%.0s`' $(seq 32))
  awk -v dir="$seeds" -v fence="$fence" '
    $0 == fence " example" { n++; inside = (n % 10 == 1); input = 1; out = sprintf("%s/spec-%04d.md", dir, n); if (inside) printf "%c", 0 > out; next }
    $0 == fence { if (inside) close(out); inside = 0; next }
    inside && input && $0 == "." { input = 0; next }
    inside && input { gsub(/→/, "\t"); print >> out }
  ' "$spec"
fi
echo "$(ls "$seeds" | wc -l) seeds"

cargo afl build --release --features afl --bin pipeline
AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_UI=1 \
  cargo afl fuzz -i "$seeds" -o target/afl -x markdown.dict -t 5000 -V "$seconds" \
  target/release/pipeline
