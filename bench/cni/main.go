// cni-bench times ADD then DEL of one attachment through libcni, for two conflists that differ only in their
// IPAM plugin, alternating between them round by round (so that load on the machine falls on both alike).
//
//	cni-bench ROUNDS NETNS CONFLIST_A CONFLIST_B
//
// Prints p50 and p95 of each conflist's ADD+DEL wall time and the ratio of A's to B's, then the same for the
// IPAM plugin of each conflist's first plugin exec'd alone (as the bridge plugin execs it). Plugins come from
// $CNI_PATH, libcni's cache goes to $CNI_CACHE_DIR. Built offline against Debian's golang-github-appc-cni-dev.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"time"

	"github.com/containernetworking/cni/libcni"
	"github.com/containernetworking/cni/pkg/invoke"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "cni-bench:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	if len(args) != 4 {
		return fmt.Errorf("usage: cni-bench ROUNDS NETNS CONFLIST_A CONFLIST_B")
	}
	rounds, err := strconv.Atoi(args[0])
	if err != nil || rounds < 1 {
		return fmt.Errorf("ROUNDS must be a positive number, not %q", args[0])
	}
	var lists [2]*libcni.NetworkConfigList
	for i := range lists {
		if lists[i], err = libcni.ConfListFromFile(args[2+i]); err != nil {
			return err
		}
	}
	path := filepath.SplitList(os.Getenv("CNI_PATH"))
	cni := libcni.NewCNIConfigWithCacheDir(path, os.Getenv("CNI_CACHE_DIR"), nil)
	ctx := context.Background()
	chain := func(i, round int) error {
		rt := &libcni.RuntimeConf{ContainerID: fmt.Sprintf("bench%d", round), NetNS: args[1], IfName: "eth0"}
		if _, err := cni.AddNetworkList(ctx, lists[i], rt); err != nil {
			return fmt.Errorf("%s ADD: %w", lists[i].Name, err)
		}
		if err := cni.DelNetworkList(ctx, lists[i], rt); err != nil {
			return fmt.Errorf("%s DEL: %w", lists[i].Name, err)
		}
		return nil
	}
	if err := measure("bridge chain", lists, rounds, chain); err != nil {
		return err
	}
	var ipam [2]struct {
		path string
		conf []byte
	}
	for i, list := range lists {
		var plugin map[string]interface{}
		if err := json.Unmarshal(list.Plugins[0].Bytes, &plugin); err != nil {
			return err
		}
		if ipam[i].conf, err = json.Marshal(map[string]interface{}{"cniVersion": list.CNIVersion, "name": list.Name, "ipam": plugin["ipam"]}); err != nil {
			return err
		}
		if ipam[i].path, err = invoke.FindInPath(list.Plugins[0].Network.IPAM.Type, path); err != nil {
			return err
		}
	}
	alone := func(i, round int) error {
		a := &invoke.Args{ContainerID: fmt.Sprintf("ipam%d", round), NetNS: args[1], IfName: "eth0", Path: os.Getenv("CNI_PATH")}
		a.Command = "ADD"
		if _, err := invoke.ExecPluginWithResult(ctx, ipam[i].path, ipam[i].conf, a, nil); err != nil {
			return fmt.Errorf("%s IPAM ADD: %w", lists[i].Name, err)
		}
		a.Command = "DEL"
		if err := invoke.ExecPluginWithoutResult(ctx, ipam[i].path, ipam[i].conf, a, nil); err != nil {
			return fmt.Errorf("%s IPAM DEL: %w", lists[i].Name, err)
		}
		return nil
	}
	return measure("IPAM plugin alone", lists, rounds, alone)
}

// measure runs one untimed round of each (the bridge itself is made on the first ADD), then ROUNDS timed
// rounds, alternating which goes first.
func measure(what string, lists [2]*libcni.NetworkConfigList, rounds int, once func(i, round int) error) error {
	var times [2][]time.Duration
	for i := range lists {
		if err := once(i, -1); err != nil {
			return err
		}
	}
	for round := 0; round < rounds; round++ {
		first := round % 2
		for _, i := range []int{first, 1 - first} {
			start := time.Now()
			if err := once(i, round); err != nil {
				return err
			}
			times[i] = append(times[i], time.Since(start))
		}
	}
	fmt.Printf("%s, ADD+DEL wall time:\n", what)
	var p50 [2]time.Duration
	for i := range lists {
		sort.Slice(times[i], func(a, b int) bool { return times[i][a] < times[i][b] })
		p50[i] = times[i][len(times[i])/2]
		p95 := times[i][(len(times[i])*95+99)/100-1]
		fmt.Printf("  %-12s p50 %6.1f ms  p95 %6.1f ms  (%d rounds)\n", lists[i].Name, ms(p50[i]), ms(p95), len(times[i]))
	}
	fmt.Printf("  ratio of p50s %s / %s: %.2f\n", lists[0].Name, lists[1].Name, float64(p50[0])/float64(p50[1]))
	return nil
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
