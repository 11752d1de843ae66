#!/usr/bin/env bash
# CLI round trips against one running daemon: wall time of each command (a fresh `weave` process each time,
# as a user or script runs it), the native CLI (scripts/build-weave) next to the same code run JIT'd as
# weave.dll, next to curl over the same unix socket; with a Docker engine, `weave run` next to `docker run`
# alone. The variants are run in turn within each round (not one after the other), so that a load that comes and
# goes on the machine falls on all of them alike. Prints p50 / p90 over N rounds.
#   bench/cli/roundtrip.sh [N]            (N defaults to 20)
#   WEAVE_TEST_DOCKER=unix:///.../docker.sock bench/cli/roundtrip.sh   adds weave run vs docker run
#   WEAVE_BENCH_BEFORE=/path/to/old/weave.dll  adds that build of the CLI as a third variant
# Builds Release and the native CLI (when missing) first. The daemon runs on free loopback ports in a
# temporary data dir with a bridge of its own, and is stopped (by PID) at the end with its containers.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
n=${1:-20}
dotnet build "$root/src/WeaveOrleans.Host" -c Release -v q --nologo >/dev/null
dotnet build "$root/src/WeaveOrleans.Cli" -c Release -v q --nologo >/dev/null
"$root/scripts/build-weave"
native="$root/src/WeaveOrleans.Cli/bin/native/weave"
dll="$root/src/WeaveOrleans.Cli/bin/Release/net10.0/weave.dll"
weaver="$root/src/WeaveOrleans.Host/bin/Release/net10.0/weaver.dll"
before=${WEAVE_BENCH_BEFORE:-}
dir=$(mktemp -d /tmp/weave-bench-cli.XXXXXX)
bridge="wobench$(printf '%04x' $((RANDOM % 65536)))"
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
docker_args=(--docker-endpoint none)
[ -n "${WEAVE_TEST_DOCKER:-}" ] && docker_args=(--docker-endpoint "$WEAVE_TEST_DOCKER")
dotnet "$weaver" --data-dir "$dir" --port "$(port)" --host 127.0.0.1 --http-addr "127.0.0.1:$(port)" \
  --status-addr "127.0.0.1:$(port)" --dashboard-addr off --silo-port "$(port)" --gateway-port "$(port)" --bridge "$bridge" \
  --ipalloc-range 10.233.0.0/24 --ipalloc-init consensus=1 "${docker_args[@]}" >"$dir/weaver.log" 2>&1 &
pid=$!
cleanup() {
  if [ -n "${WEAVE_TEST_DOCKER:-}" ] && [ -s "$dir/ids" ]; then
    grep -E '^[0-9a-f]{64}$' "$dir/ids" | xargs -r docker -H "$WEAVE_TEST_DOCKER" rm -f >/dev/null 2>&1 || true
  fi
  kill $pid 2>/dev/null; wait $pid 2>/dev/null
  ip link del dev "$bridge" 2>/dev/null || true
  rm -rf "$dir"
}
trap cleanup EXIT
for _ in $(seq 1 600); do
  "$native" status --data-dir "$dir" >/dev/null 2>&1 && break
  sleep 0.1
done
"$native" prime --data-dir "$dir" >/dev/null
export WEAVE_DATA_DIR=$dir WEAVE_BRIDGE=$bridge

labels=() commands=()
add() { labels+=("$1"); commands+=("$2"); }
# Every variant of one command, in turn: native, JIT'd dll, and the build given as "before".
add_cli() {
  local label=$1 args=$2
  add "$label (native)" "$native $args"
  add "$label (weave.dll)" "dotnet $dll $args"
  [ -n "$before" ] && add "$label (before)" "dotnet $before $args"
  return 0
}
sock="$dir/weave.sock"
add "curl GET /status (socket)" "curl -sf --unix-socket $sock http://localhost/status"
add_cli "weave status" "status"
add_cli "weave status peers" "status peers"
add_cli "weave status ipam" "status ipam"
add_cli "weave version" "version"
add_cli "weave ps" "ps"
add_cli "weave --help" "--help"
reads=${#commands[@]}
if [ -n "${WEAVE_TEST_DOCKER:-}" ]; then
  add "docker run -d --network none" "docker -H $WEAVE_TEST_DOCKER run -d --network none busybox:weave sleep 600"
  add_cli "weave run" "run --docker-endpoint $WEAVE_TEST_DOCKER busybox:weave sleep 600"
  # ps has something to show: two attached containers and an exposed bridge (more are started only after the reads).
  for _ in 1 2; do "$native" run --docker-endpoint "$WEAVE_TEST_DOCKER" busybox:weave sleep 600 >>"$dir/ids"; done
  "$native" expose >/dev/null
fi

# Rounds over commands FROM..TO-1: each round runs every variant once, in turn.
rounds() {
  local from=$1 to=$2 j
  for ((j = from; j < to; j++)); do   # warm the page cache; a failing command is reported, not timed
    eval "${commands[$j]}" >>"$dir/ids" 2>"$dir/err" || { echo "${labels[$j]}: failed: $(head -1 "$dir/err")" >&2; exit 1; }
  done
  for _ in $(seq 1 "$n"); do
    for ((j = from; j < to; j++)); do
      t0=$(date +%s%N); eval "${commands[$j]}" >>"$dir/ids" 2>/dev/null; t1=$(date +%s%N)
      echo $(( (t1 - t0) / 1000 )) >>"$dir/t.$j"
    done
  done
}
rounds 0 "$reads"
rounds "$reads" "${#commands[@]}"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) cores)"
for j in "${!commands[@]}"; do
  sort -n "$dir/t.$j" | awk -v label="${labels[$j]}" -v n="$n" '{ a[NR] = $1 } END {
    printf "%-40s p50 %7.1f ms  p90 %7.1f ms  (n=%d)\n", label, a[int((n + 1) / 2)] / 1000, a[int(n * 0.9 + 0.5)] / 1000, n }'
done
