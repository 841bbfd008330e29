#!/usr/bin/env bash
# Whole-process benchmark: the summit text at 1×, 10×, 100× and 1000× its
# length (distinct headings, the banner on the cover), exported as PDF and
# as EPUB by the release binary. Prints the median wall time of RUNS runs,
# the peak memory (/usr/bin/time -v) and the output size per size and
# format. When typst (PyPI `typst`) or pandoc (Debian) is installed, runs
# them on equivalent inputs in the same run and prints the ratios.
#
# Usage: scripts/bench.sh [RUNS] [SIZES...]     (default: 5 runs; 1 10 100 1000)
#
# MDG_BASELINE=path/to/an/older/mdg-export adds that binary's median and
# the ratio of ours to it, measured in the same run on the same inputs:
# the before-and-after of a change, free of the machine's day-to-day load.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
shift || true
sizes=("${@:-1 10 100 1000}")
[ $# -eq 0 ] && sizes=(1 10 100 1000)

cargo build --release --locked --quiet
bin=$PWD/target/release/mdg-export
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Scaled inputs: the front matter once, the body N times with numbered
# headings, the banner before the first heading.
python3 - "$work" "${sizes[@]}" <<'PY'
import re, sys, shutil
work, sizes = sys.argv[1], [int(s) for s in sys.argv[2:]]
src = open('content/toppmotet.md', encoding='utf-8').read()
end = src.index('\n---\n', 4) + 5
front, body = src[:end], src[end:]
banner = body[:body.index('\n# ')]
body = body[body.index('\n# '):]
shutil.copy('content/banner.svg', f'{work}/banner.svg')
for n in sizes:
    parts = [front, banner]
    for i in range(1, n + 1):
        parts.append(re.sub(r'^# (.*)$', lambda m: f'# {m.group(1)} {i}', body, flags=re.M))
    open(f'{work}/summit-{n}.md', 'w', encoding='utf-8').write('\n'.join(parts))
    # typst: the same text as typst markup (headings, paragraphs, link).
    typ = ['#set page(paper: "a5")', '#set text(lang: "sv", font: "Linux Libertine O", size: 10pt)',
           '#set par(justify: true)', '#image("banner.svg", width: 100%)']
    for line in '\n'.join(parts[2:]).splitlines():
        if line.startswith('# '):
            typ.append('= ' + line[2:])
        else:
            line = re.sub(r'\[([^\]]*)\]\(([^)]*)\)', r'#link("\2")[\1]', line)
            typ.append(line.replace('*', '\\*').replace('@', '\\@').replace('#link', '#link'))
    open(f'{work}/summit-{n}.typ', 'w', encoding='utf-8').write('\n'.join(typ) + '\n')
PY

# measure CMD...: prints "median_seconds peak_kb" over $runs runs. Each
# run is a fresh process started with posix_spawn (vfork + exec): a
# fork() of the Python interpreter would add about a millisecond of page
# table copying to every run, ours and the anchors' alike. The peak is
# the child's own maximum resident set, read by GNU time in one more run
# (the rusage of a child spawned from Python counts Python's pages too).
measure() {
  python3 - "$runs" "$@" <<'PY'
import os, shutil, subprocess, sys, time, statistics
runs, cmd = int(sys.argv[1]), sys.argv[2:]
devnull = os.open(os.devnull, os.O_WRONLY)
quiet = [(os.POSIX_SPAWN_DUP2, devnull, 1), (os.POSIX_SPAWN_DUP2, devnull, 2)]
times = []
# One run first, not counted: it brings the program's files into the
# page cache for every command alike.
for counted in [False] + [True] * runs:
    start = time.perf_counter()
    pid = os.posix_spawnp(cmd[0], cmd, os.environ, file_actions=quiet)
    _, status, _ = os.wait4(pid, 0)
    if counted:
        times.append(time.perf_counter() - start)
    if status != 0:
        sys.exit(f"{' '.join(cmd)} failed")
peak = 0
if shutil.which("/usr/bin/time"):
    timed = subprocess.run(["/usr/bin/time", "-f", "%M", *cmd], stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE, text=True, check=True)
    peak = int(timed.stderr.strip().splitlines()[-1])
print(f"{statistics.median(times):.4f} {peak}")
PY
}

have_typst=$(command -v typst || true)
typst_cmd=(typst compile --font-path fonts)
if [ -z "$have_typst" ] && python3 -c 'import typst' 2>/dev/null; then
  # The PyPI package is a Python binding, not a CLI: its times include
  # starting Python (about 30–60 ms here).
  have_typst="python3 -m typst (binding)"
  typst_cmd=(python3 -c 'import sys, typst; typst.compile(sys.argv[1], output=sys.argv[2], font_paths=["fonts"])')
fi
have_pandoc=$(command -v pandoc || true)
[ -n "$have_typst" ] || echo "note: typst not installed (pip install typst) — no typst column"
[ -n "$have_pandoc" ] || echo "note: pandoc not installed (apt-get install pandoc) — no pandoc column"

# "ms per 1×" is the time divided by the size: flat from 10× on means
# nothing grows faster than the text.
baseline=${MDG_BASELINE:-}
printf '%-6s %-5s %10s %10s %10s %10s %12s %12s' size format "median s" "ms per 1×" "peak MB" "out KB" "anchor s" "ratio"
[ -z "$baseline" ] || printf ' %12s %12s %12s' "baseline s" "baseline MB" "vs baseline"
echo
for n in "${sizes[@]}"; do
  in="$work/summit-$n.md"
  for format in pdf epub; do
    out="$work/out-$n.$format"
    read -r t kb < <(measure "$bin" "$format" "$in" -o "$out")
    size=$(( $(stat -c %s "$out") / 1024 ))
    anchor=- ratio=-
    if [ "$format" = pdf ] && [ -n "$have_typst" ]; then
      read -r at _ < <(measure "${typst_cmd[@]}" "$work/summit-$n.typ" "$work/typst-$n.pdf")
      anchor=$at; ratio=$(awk -v a="$at" -v b="$t" 'BEGIN { if (b > 0) printf "%.1f×", a/b; else print "-" }')
    fi
    if [ "$format" = epub ] && [ -n "$have_pandoc" ]; then
      read -r at _ < <(measure pandoc "$in" -o "$work/pandoc-$n.epub")
      anchor=$at; ratio=$(awk -v a="$at" -v b="$t" 'BEGIN { if (b > 0) printf "%.1f×", a/b; else print "-" }')
    fi
    per=$(awk -v t="$t" -v n="$n" 'BEGIN { printf "%.2f", t * 1000 / n }')
    printf '%-6s %-5s %10s %10s %10.1f %10s %12s %12s' "${n}×" "$format" "$t" "$per" "$(awk -v k="$kb" 'BEGIN{print k/1024}')" "$size" "$anchor" "$ratio"
    if [ -n "$baseline" ]; then
      read -r bt bkb < <(measure "$baseline" "$format" "$in" -o "$work/baseline-$n.$format")
      printf ' %12s %12.1f %12s' "$bt" "$(awk -v k="$bkb" 'BEGIN{print k/1024}')" \
        "$(awk -v a="$t" -v b="$bt" 'BEGIN { if (b > 0) printf "%.2f×", a/b; else print "-" }')"
    fi
    echo
  done
done
