#!/usr/bin/env bash
# ADD+DEL wall time through libcni of Debian's bridge plugin with weave-ipam as IPAM, next to the same chain with
# Debian's host-local, alternating round by round; prints p50 / p95 of each and the ratio.
#   bench/cni/run.sh [ROUNDS]     (ROUNDS defaults to 50; as root: it makes network namespaces)
# Builds weave-ipam and the tools (scripts/cni-test-tools) and the daemon (Release). The daemon runs on a unix
# socket and free loopback ports in a temporary data dir; the chains run under nsenter of a namespace of their
# own, into one container namespace. Everything is removed at the end (the daemon stopped by PID).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
rounds=${1:-50}
dir=$(mktemp -d /tmp/weave-bench-cni.XXXXXX)
tools=$("$root/scripts/cni-test-tools" "$dir/bin")
(cd "$root/bench/cni" && GOPATH=/usr/share/gocode GO111MODULE=off GOFLAGS= GOCACHE="$dir/bin/.gocache" go build -o "$dir/cni-bench" ./main.go)
dotnet build "$root/src/WeaveOrleans.Host" -c Release -v q --nologo >/dev/null
weaver="$root/src/WeaveOrleans.Host/bin/Release/net10.0/weaver.dll"
suffix=$(printf '%06x' $((RANDOM * RANDOM % 16777216)))
host=wcbh$suffix ctr=wcbc$suffix
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
sock="$dir/weave.sock"
dotnet "$weaver" --data-dir "$dir/data" --port "$(port)" --host 127.0.0.1 --http-addr "$sock" \
  --status-addr off --dashboard-addr off --silo-port "$(port)" --gateway-port "$(port)" \
  --ipalloc-range 10.88.0.0/16 --ipalloc-init consensus=1 --docker-endpoint none >"$dir/weaver.log" 2>&1 &
pid=$!
cleanup() {
  kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true
  ip netns del "$ctr" 2>/dev/null || true
  ip netns del "$host" 2>/dev/null || true
  rm -rf "$dir"
}
trap cleanup EXIT
ip netns add "$host"; ip netns add "$ctr"
for _ in $(seq 1 600); do
  curl -sf --unix-socket "$sock" http://localhost/ring >/dev/null 2>&1 && break
  kill -0 "$pid" 2>/dev/null || { cat "$dir/weaver.log" >&2; exit 1; }
  sleep 0.1
done
cat >"$dir/weave.conflist" <<JSON
{"cniVersion":"1.0.0","name":"weave-ipam","plugins":[{"type":"bridge","bridge":"wcbw$suffix",
 "ipam":{"type":"weave-ipam","socket":"$sock","subnet":"10.88.1.0/24"}}]}
JSON
cat >"$dir/host-local.conflist" <<JSON
{"cniVersion":"1.0.0","name":"host-local","plugins":[{"type":"bridge","bridge":"wcbl$suffix",
 "ipam":{"type":"host-local","dataDir":"$dir/host-local","ranges":[[{"subnet":"10.88.2.0/24"}]]}}]}
JSON
echo "CNI ADD+DEL, bridge chain, $rounds rounds each, alternating ($(nproc) cores)"
CNI_PATH="$tools" CNI_CACHE_DIR="$dir/cache" nsenter --net="/run/netns/$host" \
  "$dir/cni-bench" "$rounds" "/run/netns/$ctr" "$dir/weave.conflist" "$dir/host-local.conflist"
