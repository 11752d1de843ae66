#!/usr/bin/env bash
# The engine report (sequential allocations with ids, GC counts, bytes per held address) of an earlier
# engine and of this tree, alternating, so before and after share the machine's load.
# Usage: bench/engine/compare.sh [BEFORE_REF=main] [PAIRS=3] [ROUNDS_PER_RUN=3]
# The earlier tree gets this tree's EngineReport.cs and Program.cs (they use the engine's public API only).
set -euo pipefail
ref=${1:-main}
pairs=${2:-3}
rounds=${3:-3}
root=$(git rev-parse --show-toplevel)
work=$(mktemp -d /tmp/engine-compare.XXXXXX)
trap 'rm -rf "$work"' EXIT

git -C "$root" archive "$ref" src bench Directory.Build.props Directory.Packages.props | tar -x -C "$work"
cp "$root"/bench/WeaveOrleans.Ipam.Benchmarks/{EngineReport.cs,Program.cs} "$work"/bench/WeaveOrleans.Ipam.Benchmarks/
dotnet build -c Release -nologo -v q -o "$work/before" "$work/bench/WeaveOrleans.Ipam.Benchmarks" >/dev/null
dotnet build -c Release -nologo -v q -o "$work/after" "$root/bench/WeaveOrleans.Ipam.Benchmarks" >/dev/null

run() { dotnet "$work/$1/WeaveOrleans.Ipam.Benchmarks.dll" engine "$rounds" | sed "s/^ENGINE|/ENGINE|$1|/"; }
for pair in $(seq "$pairs"); do
    # Which one goes first alternates too.
    if (( pair % 2 )); then run before; run after; else run after; run before; fi
done
