#!/usr/bin/env bash
# Build-time figures for BENCHMARKS.md (figure 5): wall time, CPU time and peak memory of
#
#   1. a release build of the whole workspace, from nothing (every dependency included);
#   2. a release build of servicetitan-crm alone, its dependencies already built;
#   3. a tiny user binary that calls one CRM operation (a project of its own depending on
#      servicetitan-crm by path): release and dev, from nothing and after touching main.rs.
#
# Usage: benches/build-times.sh [WORK_DIR]      (default: target/build-times)
#
# Every build uses target directories under WORK_DIR, never the workspace's own target/, so that
# no earlier build (yours or a colleague's) is reused and none is disturbed. Figures come from
# `/usr/bin/time -v`: "Elapsed (wall clock)", "User time" + "System time", and "Maximum resident
# set size", which is the largest single process of the build (a rustc or the linker), not a sum.
# The workspace build also writes cargo's --timings report (per-crate durations).
#
# Expect this to take a while on a small machine (about 15 minutes on 2 cores); run it when
# the machine is otherwise quiet, and once.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
WORK="${1:-$ROOT/target/build-times}"
mkdir -p "$WORK"
WORK="$(cd "$WORK" && pwd)"
cd "$ROOT"

echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $(free -g | awk '/^Mem:/ {print $2}') GiB (free -g total), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# $(rustc -V), $(cargo -V), commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- . 2>/dev/null || echo ' (with uncommitted changes)')"
echo "# logs and /usr/bin/time reports in $WORK"

# timed LABEL COMMAND...: runs COMMAND under /usr/bin/time -v and prints one line of figures.
timed() {
    local label="$1"
    shift
    if ! /usr/bin/time -v -o "$WORK/$label.time" "$@" >"$WORK/$label.log" 2>&1; then
        echo "$label: FAILED, see $WORK/$label.log" >&2
        tail -20 "$WORK/$label.log" >&2
        exit 1
    fi
    awk -v label="$label" -F': ' '
        /Elapsed \(wall clock\)/ { wall = $2 }
        /User time/ { user = $2 }
        /System time/ { sys = $2 }
        /Maximum resident set size/ { rss = $2 }
        END { printf "%-26s wall %8s   cpu %7.1f s   peak RSS %6.0f MiB\n", label, wall, user + sys, rss / 1024 }
    ' "$WORK/$label.time"
}

# 1. The whole workspace, release, from nothing.
rm -rf "$WORK/workspace-target"
timed workspace-release cargo build --release --workspace --timings \
    --target-dir "$WORK/workspace-target"
cp -r "$WORK/workspace-target/cargo-timings" "$WORK/workspace-timings" 2>/dev/null || true

# 2. servicetitan-crm alone, dependencies built. Built once first: with only this package
#    selected, features unify differently than across the workspace, so some dependencies are
#    rebuilt for it; then only the crate itself is removed and built again, timed.
cargo build --release -p servicetitan-crm --target-dir "$WORK/workspace-target" >"$WORK/crm-deps.log" 2>&1
cargo clean --release -p servicetitan-crm --target-dir "$WORK/workspace-target" >>"$WORK/crm-deps.log" 2>&1
timed crm-release-alone cargo build --release -p servicetitan-crm \
    --target-dir "$WORK/workspace-target"

# 3. A user's project: its own workspace, servicetitan-crm by path, tokio, one call.
USER_DIR="$WORK/user-bin"
rm -rf "$USER_DIR" "$WORK/user-target"
mkdir -p "$USER_DIR/src"
cat >"$USER_DIR/Cargo.toml" <<EOF
[package]
name = "st-user-bin"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
servicetitan-crm = { path = "$ROOT/crates/servicetitan-crm" }
tokio = { version = "1", features = ["macros", "rt-multi-thread"] }

# A project of its own, not a member of the SDK's workspace.
[workspace]
EOF
cat >"$USER_DIR/src/main.rs" <<'EOF'
//! The smallest useful program: one CRM call, configured from the ST_* variables.
use servicetitan_crm::st_core;

#[tokio::main]
async fn main() -> Result<(), st_core::Error> {
    let crm = servicetitan_crm::Client::from_env()?;
    let page = crm.customers_get_list().page_size(1).send().await?.into_inner();
    println!("{} customer(s) on the first page", page.data.len());
    Ok(())
}
EOF
# The SDK's lock file, so the user's build resolves the same versions (cargo drops the rest).
cp "$ROOT/Cargo.lock" "$USER_DIR/Cargo.lock"
MANIFEST=(--manifest-path "$USER_DIR/Cargo.toml" --target-dir "$WORK/user-target")

timed user-bin-release-cold cargo build --release "${MANIFEST[@]}"
touch "$USER_DIR/src/main.rs"
timed user-bin-release-touched cargo build --release "${MANIFEST[@]}"
timed user-bin-dev-cold cargo build "${MANIFEST[@]}"
touch "$USER_DIR/src/main.rs"
timed user-bin-dev-touched cargo build "${MANIFEST[@]}"

echo "# binary size: release $(du -h "$WORK/user-target/release/st-user-bin" | cut -f1), dev $(du -h "$WORK/user-target/debug/st-user-bin" | cut -f1)"
echo "# per-crate durations of the workspace build: $WORK/workspace-timings/"
