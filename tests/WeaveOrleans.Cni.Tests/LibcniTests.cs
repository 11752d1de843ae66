using System.Net;
using System.Text.Json;
using WeaveOrleans.TestSupport;

namespace WeaveOrleans.Cni.Tests;

/// <summary>
/// A container runtime's view: libcni (Debian's, through cni-client) runs a conflist of Debian's bridge plugin with
/// weave-ipam as its IPAM, in a test-made "host" namespace, for containers that are fresh network namespaces.
/// libcni 1.1 and bridge 1.1.1 predate GC and STATUS: those are exec'd on the plugin directly.
/// </summary>
[Collection(CniDaemonCollection.Name)]
public sealed class LibcniTests(CniDaemon daemon)
{
    private const string Subnet = "10.87.100.0/24";

    [SkippableFact]
    public async Task Bridge_chain_add_check_del_gc_and_status()
    {
        CniTools.Dir();
        CniTools.RequireRoot();
        var network = CniTools.UniqueName("lcni");
        var bridge = CniTools.UniqueName("wcb");
        var work = Directory.CreateTempSubdirectory("wcni-libcni-").FullName;
        await using var host = await NetNamespace.Create("wch");
        await using var ns1 = await NetNamespace.Create("wcc");
        await using var ns2 = await NetNamespace.Create("wcc");
        try
        {
            var conflist = Path.Combine(work, network + ".conflist");
            await File.WriteAllTextAsync(conflist, $$$"""
                {"cniVersion":"1.0.0","name":"{{{network}}}","plugins":[
                  {"type":"bridge","bridge":"{{{bridge}}}","isGateway":true,
                   "ipam":{"type":"weave-ipam","socket":"{{{daemon.Socket}}}","subnet":"{{{Subnet}}}","gateway":true}}]}
                """);
            Task<ChildResult> Client(string command, NetNamespace ns, string id) => ProcessRun.Run("nsenter",
                [$"--net={host.Path}", CniTools.Client, command, conflist, ns.Path, id, "eth0"], null,
                new Dictionary<string, string?> { ["CNI_PATH"] = CniTools.Dir(), ["CNI_CACHE_DIR"] = Path.Combine(work, "cache") });

            // ADD: the address weave-ipam gave is on the container's interface, the gateway on the bridge.
            var add1 = await Client("add", ns1, "ctr1");
            Assert.True(add1.ExitCode == 0, add1.ToString());
            var result = JsonDocument.Parse(add1.Stdout).RootElement;
            var ip = result.GetProperty("ips").EnumerateArray().Single();
            var address = ip.GetProperty("address").GetString()!;
            Assert.True(IPNetwork.Parse(Subnet).Contains(IPAddress.Parse(address.Split('/')[0])), address);
            Assert.Equal([address], await ns1.Addresses("eth0"));
            Assert.Equal([address], (await daemon.OwnedAsync())[$"cni:{network}:ctr1:eth0"]);
            var gateway = ip.GetProperty("gateway").GetString()!;
            Assert.Equal([$"{gateway}/24"], await host.Addresses(bridge));

            var check = await Client("check", ns1, "ctr1");
            Assert.True(check.ExitCode == 0, check.ToString());

            // A second container: a distinct address.
            var add2 = await Client("add", ns2, "ctr2");
            Assert.True(add2.ExitCode == 0, add2.ToString());
            var address2 = Assert.Single(await ns2.Addresses("eth0"));
            Assert.NotEqual(address, address2);
            Assert.Equal([address2], (await daemon.OwnedAsync())[$"cni:{network}:ctr2:eth0"]);

            // STATUS and GC, straight to the plugin: GC keeps ctr1 (valid) and releases ctr2.
            var status = await PluginRunner.Run("STATUS", PluginRunner.Config(network, daemon.Socket, "1.1.0"), containerId: null, ifName: null, netns: null);
            Assert.True(status.Ok, status.ToString());
            var gc = await PluginRunner.Run("GC", PluginRunner.Config(network, daemon.Socket, "1.1.0", ""","subnet":"10.87.100.0/24" """,
                ""","cni.dev/valid-attachments":[{"containerID":"ctr1","ifname":"eth0"}]"""), containerId: null, ifName: null, netns: null);
            Assert.True(gc.Ok, gc.ToString());
            Assert.Equal([$"cni:{network}:ctr1:eth0", $"cni:{network}:gateway"], (await daemon.OwnedOnAsync(network)).Keys.Order());

            // DEL: the interface and the allocation go; DEL again (and DEL after GC) succeeds.
            var del1 = await Client("del", ns1, "ctr1");
            Assert.True(del1.ExitCode == 0, del1.ToString());
            Assert.Empty(await ns1.Addresses("eth0"));
            Assert.DoesNotContain($"cni:{network}:ctr1:eth0", (await daemon.OwnedAsync()).Keys);
            var again = await Client("del", ns1, "ctr1");
            Assert.True(again.ExitCode == 0, again.ToString());
            var del2 = await Client("del", ns2, "ctr2");
            Assert.True(del2.ExitCode == 0, del2.ToString());
            Assert.Equal([$"cni:{network}:gateway"], (await daemon.OwnedOnAsync(network)).Keys);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }
}
