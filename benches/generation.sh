#!/usr/bin/env bash
# Generation figure for BENCHMARKS.md (figure 4): `cargo xtask generate` for all 24 areas, timed
# from outside with farm-bench (several runs, min/median/max), plus the pipeline's own report
# ("generated 24 crates, N lines of Rust in T").
#
# Usage: benches/generation.sh [RUNS] [WORK_DIR]   (default: 5 runs, target/generation)
#
# `cargo xtask generate` rewrites crates/servicetitan-*/ in place, swapping each src/generated
# directory; running it repeatedly in a working tree that others are building would pull files
# from under their builds. So this copies the tree (without target/ and .git/, with the imported
# specs/*.json) to WORK_DIR/tree and generates there, with its own target directory. The first,
# untimed, step builds the xtask (dev profile, as `cargo xtask` runs it); farm-bench's own warm-up
# run is not counted either. Afterwards the generated crates are compared with the ones in the
# working tree: the copy must produce the same bytes.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
RUNS="${1:-5}"
WORK="${2:-$ROOT/target/generation}"
TREE="$WORK/tree"
LOG="$WORK/generate.log"

cd "$ROOT"
if ! ls specs/*.json >/dev/null 2>&1; then
    echo "specs/*.json are missing: run cargo xtask specs import <folder> first" >&2
    exit 1
fi

echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $(free -g | awk '/^Mem:/ {print $2}') GiB (free -g total), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# $(rustc -V), commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- xtask crates 2>/dev/null || echo ' (with uncommitted changes)')"

rm -rf "$TREE"
mkdir -p "$TREE"
tar -C "$ROOT" --exclude=./target --exclude=./.git -cf - . | tar -C "$TREE" -xf -
cd "$TREE"
export CARGO_TARGET_DIR="$WORK/target"
cargo build -p xtask >"$WORK/build.log" 2>&1

rm -f "$LOG"
farm-bench -n "$RUNS" --warmup 1 --timeout 900 -- sh -c "exec cargo xtask generate >>$LOG 2>&1"
echo "# what the pipeline printed, run by run (the first is farm-bench's warm-up):"
grep -E '^generated ' "$LOG" | sed 's/^/#   /'

if diff -rq "$ROOT/crates" "$TREE/crates" -x target >/dev/null; then
    echo "# output identical to the working tree's crates/"
else
    echo "# output DIFFERS from the working tree's crates/:"
    diff -rq "$ROOT/crates" "$TREE/crates" -x target | head -20 | sed 's/^/#   /'
fi
