#!/usr/bin/env bash
# CLI round trips against one running daemon: wall time of each read-only command (a fresh `weave`
# process each time, as a user or script runs it), next to curl over the same unix socket, and, with
# a Docker engine, `weave run` next to `docker run` alone. Prints p50 / p90 over N runs.
#   bench/cli/roundtrip.sh [N]            (N defaults to 20)
#   WEAVE_TEST_DOCKER=unix:///.../docker.sock bench/cli/roundtrip.sh   adds weave run vs docker run
# Builds Release first. The daemon runs on free loopback ports in a temporary data dir and is stopped
# (by PID) at the end.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
n=${1:-20}
dotnet build "$root/src/WeaveOrleans.Host" -c Release -v q --nologo >/dev/null
dotnet build "$root/src/WeaveOrleans.Cli" -c Release -v q --nologo >/dev/null
weave="$root/src/WeaveOrleans.Cli/bin/Release/net10.0/weave.dll"
weaver="$root/src/WeaveOrleans.Host/bin/Release/net10.0/weaver.dll"
dir=$(mktemp -d /tmp/weave-bench-cli.XXXXXX)
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
docker_args=(--docker-endpoint none)
[ -n "${WEAVE_TEST_DOCKER:-}" ] && docker_args=(--docker-endpoint "$WEAVE_TEST_DOCKER")
dotnet "$weaver" --data-dir "$dir" --port "$(port)" --host 127.0.0.1 --http-addr "127.0.0.1:$(port)" \
  --status-addr "127.0.0.1:$(port)" --dashboard-addr off --silo-port "$(port)" --gateway-port "$(port)" \
  --ipalloc-range 10.233.0.0/24 --ipalloc-init consensus=1 "${docker_args[@]}" >"$dir/weaver.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$dir"' EXIT
for _ in $(seq 1 600); do
  dotnet "$weave" status --data-dir "$dir" >/dev/null 2>&1 && break
  sleep 0.1
done
dotnet "$weave" prime --data-dir "$dir" >/dev/null

# p50 and p90 in ms of N runs of a command.
measure() {
  local label=$1; shift
  local times=()
  "$@" >/dev/null 2>&1 || { echo "$label: failed: $*" >&2; return 1; }   # warm the page cache
  for _ in $(seq 1 "$n"); do
    local t0 t1
    t0=$(date +%s%N); "$@" >/dev/null 2>&1; t1=$(date +%s%N)
    times+=($(( (t1 - t0) / 1000 )))
  done
  printf '%s\n' "${times[@]}" | sort -n | awk -v label="$label" -v n="$n" '{ a[NR] = $1 } END {
    printf "%-34s p50 %7.1f ms  p90 %7.1f ms  (n=%d)\n", label, a[int((n + 1) / 2)] / 1000, a[int(n * 0.9 + 0.5)] / 1000, n }'
}

sock="$dir/weave.sock"
measure "curl GET /status (socket)" curl -sf --unix-socket "$sock" http://localhost/status
measure "weave status" dotnet "$weave" status --data-dir "$dir"
measure "weave status ipam" dotnet "$weave" status ipam --data-dir "$dir"
measure "weave ps" dotnet "$weave" ps --data-dir "$dir"
measure "dotnet weave.dll --help (no daemon)" dotnet "$weave" --help
if [ -n "${WEAVE_TEST_DOCKER:-}" ]; then
  docker=(docker -H "$WEAVE_TEST_DOCKER")
  measure "docker run --network none (alone)" "${docker[@]}" run --rm --network none busybox:weave true
  i=0
  weave_run() { i=$((i + 1)); dotnet "$weave" run --data-dir "$dir" --docker-endpoint "$WEAVE_TEST_DOCKER" --rm busybox:weave true; }
  measure "weave run (docker run + attach)" weave_run
fi
