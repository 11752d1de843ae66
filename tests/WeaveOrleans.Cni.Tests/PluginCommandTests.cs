using System.Net;

namespace WeaveOrleans.Cni.Tests;

/// <summary>weave-ipam exec'd directly (as a delegating plugin or a runtime does) against a real daemon.</summary>
[Collection(CniDaemonCollection.Name)]
public sealed class PluginCommandTests(CniDaemon daemon)
{
    private string Config(string network, string version = "1.0.0", string ipamExtra = "") =>
        PluginRunner.Config(network, daemon.Socket, version, ipamExtra);

    [SkippableFact]
    public async Task Version_lists_every_version_spoken()
    {
        var reply = await PluginRunner.Run("VERSION", """{"cniVersion":"1.1.0"}""", containerId: null, ifName: null, netns: null);
        Assert.True(reply.Ok, reply.ToString());
        Assert.Equal("1.1.0", reply.Json.GetProperty("cniVersion").GetString());
        Assert.Equal(["0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0"],
            reply.Json.GetProperty("supportedVersions").EnumerateArray().Select(v => v.GetString()));
    }

    [SkippableFact]
    public async Task Add_gives_an_address_in_the_range_and_the_same_one_when_asked_again()
    {
        var network = CniTools.UniqueName("net");
        var first = await PluginRunner.Run("ADD", Config(network), "ctr1", "eth0");
        var again = await PluginRunner.Run("ADD", Config(network), "ctr1", "eth0");
        var otherInterface = await PluginRunner.Run("ADD", Config(network), "ctr1", "eth1");

        Assert.Equal("1.0.0", first.Json.GetProperty("cniVersion").GetString());
        Assert.True(IPNetwork.Parse(CniDaemon.Range).Contains(IPAddress.Parse(first.Address.Split('/')[0])), first.Address);
        Assert.Equal(first.Address, again.Address);
        Assert.NotEqual(first.Address, otherInterface.Address);
        var owned = await daemon.OwnedOnAsync(network);
        Assert.Equal([first.Address], owned[$"cni:{network}:ctr1:eth0"]);
        Assert.Equal([otherInterface.Address], owned[$"cni:{network}:ctr1:eth1"]);
    }

    [SkippableFact]
    public async Task Results_before_1_0_name_the_ip_version_and_routes_are_returned_as_configured()
    {
        var network = CniTools.UniqueName("net");
        var reply = await PluginRunner.Run("ADD", Config(network, "0.4.0", ""","routes":[{"dst":"0.0.0.0/0"}]"""), "ctr1", "eth0");
        Assert.True(reply.Ok, reply.ToString());
        var ip = Assert.Single(reply.Json.GetProperty("ips").EnumerateArray());
        Assert.Equal("4", ip.GetProperty("version").GetString());
        Assert.Equal("0.0.0.0/0", Assert.Single(reply.Json.GetProperty("routes").EnumerateArray()).GetProperty("dst").GetString());
    }

    [SkippableFact]
    public async Task Del_releases_the_address_and_a_second_del_succeeds()
    {
        var network = CniTools.UniqueName("net");
        var added = await PluginRunner.Run("ADD", Config(network), "ctr1", "eth0");
        Assert.True(added.Ok, added.ToString());

        var deleted = await PluginRunner.Run("DEL", Config(network), "ctr1", "eth0");
        Assert.True(deleted.Ok, deleted.ToString());
        Assert.Empty(await daemon.OwnedOnAsync(network));
        var again = await PluginRunner.Run("DEL", Config(network), "ctr1", "eth0");
        Assert.True(again.Ok, again.ToString());
        var unknown = await PluginRunner.Run("DEL", Config(network), "never-added", "eth0");
        Assert.True(unknown.Ok, unknown.ToString());
    }

    [SkippableFact]
    public async Task Check_passes_while_the_daemon_holds_the_address_and_fails_once_it_does_not()
    {
        var network = CniTools.UniqueName("net");
        var added = await PluginRunner.Run("ADD", Config(network), "ctr1", "eth0");
        var withPrevious = PluginRunner.Config(network, daemon.Socket, "1.0.0",
            topExtra: $$""","prevResult":{"cniVersion":"1.0.0","ips":[{"address":"{{added.Address}}"}]}""");

        var passing = await PluginRunner.Run("CHECK", withPrevious, "ctr1", "eth0");
        Assert.True(passing.Ok, passing.ToString());
        // Released behind the plugin's back (as the CLI's `weave` or an operator could).
        using (var r = await daemon.Daemon.Http.DeleteAsync($"ip/{Uri.EscapeDataString($"cni:{network}:ctr1:eth0")}"))
            Assert.True(r.IsSuccessStatusCode);
        var failing = await PluginRunner.Run("CHECK", withPrevious, "ctr1", "eth0");

        Assert.Equal(100, failing.ErrorCode);
        Assert.Contains("no longer holds", failing.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Gc_releases_only_this_networks_attachments_that_are_not_valid()
    {
        var network = CniTools.UniqueName("net");
        var other = CniTools.UniqueName("net");
        foreach (var id in new[] { "keep", "stale1", "stale2" })
            Assert.True((await PluginRunner.Run("ADD", Config(network), id, "eth0")).Ok);
        Assert.True((await PluginRunner.Run("ADD", Config(network), "keep", "net1")).Ok);
        Assert.True((await PluginRunner.Run("ADD", Config(other), "stale1", "eth0")).Ok);
        Assert.True((await PluginRunner.Run("ADD", Config(network, ipamExtra: ""","gateway":true"""), "gw-user", "eth0")).Ok);
        // What the CLI (a container ID) and another front-end hold must survive any network's GC.
        var cliIdent = CniTools.UniqueName("cli");
        await daemon.Daemon.AllocateAsync(cliIdent);
        var gc = PluginRunner.Config(network, daemon.Socket, "1.1.0",
            topExtra: ""","cni.dev/valid-attachments":[{"containerID":"keep","ifname":"eth0"},{"containerID":"gw-user","ifname":"eth0"}]""");

        var reply = await PluginRunner.Run("GC", gc, containerId: null, ifName: null, netns: null);

        Assert.True(reply.Ok, reply.ToString());
        Assert.Equal("", reply.Process.Stdout);
        var owned = await daemon.OwnedAsync();
        Assert.Equal(
            new[] { $"cni:{network}:gateway", $"cni:{network}:gw-user:eth0", $"cni:{network}:keep:eth0" },
            owned.Keys.Where(k => k.StartsWith($"cni:{network}:", StringComparison.Ordinal)).Order());
        Assert.Contains($"cni:{other}:stale1:eth0", owned.Keys);
        Assert.Contains(cliIdent, owned.Keys);
    }

    [SkippableFact]
    public async Task Gateway_is_one_address_per_network_never_an_attachments()
    {
        var network = CniTools.UniqueName("net");
        var first = await PluginRunner.Run("ADD", Config(network, ipamExtra: ""","gateway":true"""), "ctr1", "eth0");
        var second = await PluginRunner.Run("ADD", Config(network, ipamExtra: ""","gateway":true"""), "ctr2", "eth0");

        string Gateway(PluginReply r) => Assert.Single(r.Json.GetProperty("ips").EnumerateArray()).GetProperty("gateway").GetString()!;
        Assert.Equal(Gateway(first), Gateway(second));
        Assert.DoesNotContain(Gateway(first), new[] { first.Address.Split('/')[0], second.Address.Split('/')[0] });
        Assert.Equal([Gateway(first) + "/" + first.Address.Split('/')[1]], (await daemon.OwnedAsync())[$"cni:{network}:gateway"]);
    }

    [SkippableFact]
    public async Task Status_succeeds_when_the_daemon_has_a_ring()
    {
        var reply = await PluginRunner.Run("STATUS", Config("any", "1.1.0"), containerId: null, ifName: null, netns: null);
        Assert.True(reply.Ok, reply.ToString());
        Assert.Equal("", reply.Process.Stdout);
    }

    [SkippableFact]
    public async Task Add_in_a_configured_subnet_allocates_there()
    {
        var network = CniTools.UniqueName("net");
        var reply = await PluginRunner.Run("ADD", Config(network, ipamExtra: ""","subnet":"10.87.77.0/24" """), "ctr1", "eth0");
        Assert.StartsWith("10.87.77.", reply.Address, StringComparison.Ordinal);
        Assert.EndsWith("/24", reply.Address, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Add_in_a_full_subnet_answers_try_again_later_within_its_timeout_and_holds_nothing()
    {
        var network = CniTools.UniqueName("net");
        // A /30 has two addresses to give (network and broadcast addresses are never handed out).
        var small = ""","subnet":"10.87.250.0/30","timeoutSeconds":1""";
        Assert.True((await PluginRunner.Run("ADD", Config(network, ipamExtra: small), "ctr1", "eth0")).Ok);
        Assert.True((await PluginRunner.Run("ADD", Config(network, ipamExtra: small), "ctr2", "eth0")).Ok);
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var full = await PluginRunner.Run("ADD", Config(network, ipamExtra: small), "ctr3", "eth0", timeout: TimeSpan.FromSeconds(20));

        Assert.Equal(11, full.ErrorCode);
        Assert.Contains("no free address in subnet 10.87.250.0/30", full.Message, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
        Assert.DoesNotContain($"cni:{network}:ctr3:eth0", (await daemon.OwnedAsync()).Keys);
    }
}
