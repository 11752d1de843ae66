// cni-client drives a CNI network configuration list through libcni, as a container runtime does
// (Debian ships libcni but no cnitool). The WeaveOrleans CNI tests run it; it builds offline against
// Debian's golang-github-appc-cni-dev (see scripts/cni-test-tools).
//
//	cni-client add|check|del CONFLIST NETNS CONTAINERID IFNAME
//
// Plugins are looked up in $CNI_PATH (':'-separated); results are cached in $CNI_CACHE_DIR. add prints
// the chain's result as JSON. Any failure is one line on stderr and exit status 1.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/containernetworking/cni/libcni"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "cni-client:", strings.ReplaceAll(err.Error(), "\n", " "))
		os.Exit(1)
	}
}

func run(args []string) error {
	if len(args) != 5 {
		return fmt.Errorf("usage: cni-client add|check|del CONFLIST NETNS CONTAINERID IFNAME")
	}
	list, err := libcni.ConfListFromFile(args[1])
	if err != nil {
		return err
	}
	cacheDir := os.Getenv("CNI_CACHE_DIR")
	if cacheDir == "" {
		return fmt.Errorf("CNI_CACHE_DIR is not set (the tests keep libcni's cache out of /var/lib/cni)")
	}
	cni := libcni.NewCNIConfigWithCacheDir(filepath.SplitList(os.Getenv("CNI_PATH")), cacheDir, nil)
	rt := &libcni.RuntimeConf{ContainerID: args[3], NetNS: args[2], IfName: args[4]}
	ctx := context.Background()
	switch args[0] {
	case "add":
		result, err := cni.AddNetworkList(ctx, list, rt)
		if err != nil {
			return err
		}
		return json.NewEncoder(os.Stdout).Encode(result)
	case "check":
		return cni.CheckNetworkList(ctx, list, rt)
	case "del":
		return cni.DelNetworkList(ctx, list, rt)
	default:
		return fmt.Errorf("unknown command %q (add, check or del)", args[0])
	}
}
