using Xunit.Abstractions;

namespace WeaveOrleans.EndToEnd.Tests;

/// <summary>
/// Addresses in several subnets on one container and on the host's bridge: attach, detach, expose
/// and hide as Weave's tests 130, 500 and 510 use them, read back from the container's and the
/// bridge's interfaces.
/// </summary>
[Collection(OneHostCollection.Name)]
public sealed class BridgeAddressTests(OneHostLab lab, ITestOutputHelper output)
{
    [SkippableFact]
    public async Task Attach_detach_expose_and_hide_with_addresses_in_several_subnets()
    {
        await using var s = lab.Scenario("multi-subnet", output);
        var h1 = s.Peers[0];
        await h1.Launch("--ipalloc-range", "10.2.3.0/24");
        var created = await h1.Host.Docker("run", "-d", "--network", "none", "--name", "multicidr", Peer.Image, "sleep", "3600");
        Assert.True(created.Ok, created.ToString());
        var cid = created.Out.Trim();

        async Task Has(params string[] cidrs) => Assert.Equal(cidrs.Order(), (await h1.ContainerAddresses(cid)).Order());
        async Task BridgeHas(params string[] cidrs) => Assert.Equal(cidrs.Order(), (await h1.BridgeAddresses()).Order());

        Assert.Equal("10.2.1.1 10.2.2.1 10.2.3.1\n", await h1.Ok("attach", "10.2.1.1/24", "ip:10.2.2.1/24", "net:10.2.3.0/24", cid));
        await Has("10.2.1.1/24", "10.2.2.1/24", "10.2.3.1/24");
        Assert.Equal("10.2.2.1 10.2.3.1\n", await h1.Ok("detach", "ip:10.2.2.1/24", "net:10.2.3.0/24", cid));
        await Has("10.2.1.1/24");
        Assert.Equal("10.2.1.1\n", await h1.Ok("detach", "10.2.1.1/24", cid));
        await Has();
        Assert.Equal("10.2.1.1\n", await h1.Ok("attach", "10.2.1.1/24", cid));
        Assert.Equal("10.2.2.1 10.2.3.1\n", await h1.Ok("attach", "ip:10.2.2.1/24", "net:10.2.3.0/24", cid));
        await Has("10.2.1.1/24", "10.2.2.1/24", "10.2.3.1/24");

        Assert.Equal("10.2.1.2 10.2.2.2 10.2.3.2\n", await h1.Ok("expose", "10.2.1.2/24", "ip:10.2.2.2/24", "net:10.2.3.0/24"));
        await BridgeHas("10.2.1.2/24", "10.2.2.2/24", "10.2.3.2/24");
        Assert.Equal("10.2.2.2 10.2.3.2\n", await h1.Ok("hide", "ip:10.2.2.2/24", "net:10.2.3.0/24"));
        await BridgeHas("10.2.1.2/24");
        Assert.Equal("10.2.1.2\n", await h1.Ok("hide", "10.2.1.2/24"));
        await BridgeHas();

        // With no address, detach means net:default only; the addresses in other subnets stay.
        Assert.Equal("10.2.3.1\n", await h1.Ok("detach", cid));
        await Has("10.2.1.1/24", "10.2.2.1/24");
        await PsShows(h1, cid, "10.2.1.1/24", "10.2.2.1/24");

        var second = await h1.Run("net:10.2.3.0/24");
        Assert.Equal(["10.2.3.1/24"], await h1.ContainerAddresses(second));
        await PsShows(h1, second, "10.2.3.1/24");
        // Not a subnet one can allocate in: refused with one line and exit 1, as Weave's router refuses it (400) and its script exits 1.
        foreach (var notASubnet in new[] { "net:10.2.3.2/30", "net:10.2.3.2/31" })
        {
            var refused = await h1.TryRun(notASubnet);
            Assert.True(refused.Code == 1 && refused.Err.TrimEnd('\n').Split('\n').Length <= 2, refused.ToString());
        }
        await s.AssertNoAddressOnTwoHolders();
    }

    [SkippableFact]
    public async Task Detach_and_hide_need_no_ring()
    {
        await using var s = lab.Scenario("no-ring", output);
        var h1 = s.Peers[0];
        // A quorum of two that never comes: no ring exists for the whole scenario.
        await h1.Launch("--ipalloc-range", "10.2.3.0/24", "--ipalloc-init", "consensus=2");
        var c1 = await h1.Run("10.2.1.1/24");
        foreach (var args in new[] { new[] { "detach", "10.2.1.1/24", c1 }, ["detach", "net:10.2.3.0/24", c1], ["detach", c1],
                     ["expose", "10.2.1.2/24"], ["hide", "10.2.1.2/24"], ["hide", "net:10.2.3.0/24"], ["hide"] })
        {
            var done = await h1.Within(TimeSpan.FromSeconds(10), args);
            Assert.True(done.Ok, done.ToString());
        }
        Assert.Empty(await h1.ContainerAddresses(c1));
        Assert.Empty(await h1.BridgeAddresses());
        Assert.Equal("", await h1.Ok("status", "ipam"));
        await s.AssertNoAddressOnTwoHolders();
    }

    [SkippableFact]
    public async Task Expose_and_hide_are_idempotent_and_the_exposed_address_is_no_containers()
    {
        await using var s = lab.Scenario("expose", output);
        var h1 = s.Peers[0];
        await h1.Launch("--ipalloc-range", "10.2.3.0/24");
        foreach (var given in new[] { "10.2.1.34/24", "10.2.1.37/24", "10.2.2.34/24", "10.2.2.37/24" })
            await h1.Run(given);
        var allocated = new[] { await h1.AddressOf(await h1.Run()), await h1.AddressOf(await h1.Run()) };

        Assert.Equal("10.2.2.101\n", await h1.Ok("expose", "10.2.2.101/24"));
        Assert.Equal("10.2.2.101\n", await h1.Ok("expose", "10.2.2.101/24"));
        Assert.Equal(["10.2.2.101/24"], await h1.BridgeAddresses());

        var exposed = (await h1.Ok("expose")).Trim();
        Assert.Equal(exposed + "\n", await h1.Ok("expose"));
        Assert.StartsWith("10.2.3.", exposed, StringComparison.Ordinal);
        Assert.DoesNotContain(exposed, allocated);
        Assert.Equal(new[] { "10.2.2.101/24", exposed + "/24" }.Order(), (await h1.BridgeAddresses()).Order());

        await h1.Ok("hide", "10.2.2.101/24");
        await h1.Ok("hide", "10.2.2.101/24");
        Assert.Equal([exposed + "/24"], await h1.BridgeAddresses());
        await h1.Ok("hide");
        await h1.Ok("hide");
        Assert.Empty(await h1.BridgeAddresses());

        // Exposed again after hide: the same subnet serves, and still no container's address.
        var again = (await h1.Ok("expose")).Trim();
        Assert.DoesNotContain(again, allocated);
        await s.AssertNoAddressOnTwoHolders();
    }

    /// <summary>`weave ps CONTAINER` as Weave prints it: the short id, the MAC of its interface, its addresses.</summary>
    private static async Task PsShows(Peer peer, string container, params string[] cidrs)
    {
        var words = (await peer.Ok("ps", container)).Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(words.Length >= 2, $"weave ps {container} printed '{string.Join(' ', words)}'");
        Assert.Equal(container[..12], words[0]);
        Assert.Matches("^([0-9a-f]{2}:){5}[0-9a-f]{2}$", words[1]);
        Assert.Equal(cidrs.Order(), words[2..].Order());
    }
}
