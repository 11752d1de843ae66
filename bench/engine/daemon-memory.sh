#!/usr/bin/env bash
# Bytes per held address of a whole served daemon, an earlier build's weaver and this tree's in turn
# (which goes first alternates), each holding COUNT more addresses (64-hex ids, 8 clients) than after
# its warm-up: resident set and live managed heap (dotnet-gcdump, installed here into a scratch dir
# from NuGet when it is not on PATH). See bench/WeaveOrleans.Http.Benchmarks/MemoryPerAddress.cs.
# Usage: bench/engine/daemon-memory.sh [BEFORE_REF=main] [PAIRS=2] [COUNT=100000]
set -euo pipefail
ref=${1:-main}
pairs=${2:-2}
count=${3:-100000}
root=$(git rev-parse --show-toplevel)
work=$(mktemp -d /tmp/daemon-memory.XXXXXX)
trap 'rm -rf "$work"' EXIT

gcdump=$(command -v dotnet-gcdump || true)
if [[ -z "$gcdump" ]]; then
    dotnet tool install --tool-path "$work/tools" dotnet-gcdump >/dev/null
    gcdump="$work/tools/dotnet-gcdump"
fi

git -C "$root" archive "$ref" src Directory.Build.props Directory.Packages.props | tar -x -C "$work"
dotnet build -c Release -nologo -v q -o "$work/before" "$work/src/WeaveOrleans.Host" >/dev/null
dotnet build -c Release -nologo -v q "$root/bench/WeaveOrleans.Http.Benchmarks" >/dev/null
bench="$root/bench/WeaveOrleans.Http.Benchmarks/bin/Release/net10.0/WeaveOrleans.Http.Benchmarks.dll"
after="$root/src/WeaveOrleans.Host/bin/Release/net10.0/weaver.dll"

run() {
    dotnet "$bench" --only memory --count "$count" --weaver "$2" --gcdump "$gcdump" | grep '^MEMORY|' | sed "s/^MEMORY|/MEMORY|$1|/"
}
for pair in $(seq "$pairs"); do
    if (( pair % 2 )); then run before "$work/before/weaver.dll"; run after "$after"; else run after "$after"; run before "$work/before/weaver.dll"; fi
done
