using Xunit.Abstractions;

namespace WeaveOrleans.EndToEnd.Tests;

/// <summary>
/// Hosts that lose their IPAM state or give it up while containers keep running (Weave's tests 320,
/// 330 and 370): whatever the daemons forget, the addresses on live containers are never handed out again.
/// </summary>
[Collection(TwoHostCollection.Name)]
public sealed class StateLossTests(TwoHostLab lab, ITestOutputHelper output)
{
    [SkippableFact]
    public async Task After_both_hosts_lose_their_data_a_new_ring_does_not_hand_out_a_running_containers_address()
    {
        const string universe = "10.2.0.0/16";
        const string c1Address = "10.2.128.1";
        await using var s = lab.Scenario("claim", output);
        var (h1, h2) = (s.Peers[0], s.Peers[1]);
        await Task.WhenAll(h1.Launch("--ipalloc-range", universe, h2.Address), h2.Launch("--ipalloc-range", universe, h1.Address));
        var c1 = await h1.Run($"{c1Address}/12");
        Assert.Equal(c1Address, await h1.AddressOf(c1));
        // The first address of the range: the one a fresh ring hands out first, unless it knows it is in use.
        var first = await h2.Run("10.2.0.1/16");
        var c2 = await h2.Run();
        var c2Address = await h2.AddressOf(c2);

        // Both daemons stop and their data directories are wiped: the containers run on with their addresses.
        await Task.WhenAll(h1.Ok("stop"), h2.Ok("stop"));
        Directory.Delete(h1.DataDir, recursive: true);
        Directory.Delete(h2.DataDir, recursive: true);

        await h2.Launch("--ipalloc-range", universe);
        await h1.Launch("--ipalloc-range", universe, h2.Address);
        var c3 = await h2.Run();
        var c3Address = await h2.AddressOf(c3);
        Assert.NotEqual(c1Address, c3Address);
        Assert.NotEqual(c2Address, c3Address);
        Assert.NotEqual("10.2.0.1", c3Address);
        Assert.Equal("10.2.0.1", await h2.AddressOf(first));
        Assert.Equal(c1Address, await h1.AddressOf(c1));
        await s.AssertNoAddressOnTwoHolders();
    }

    [SkippableFact]
    public async Task A_claim_made_before_the_ring_exists_waits_for_it_and_completes_when_the_other_host_returns()
    {
        const string universe = "10.2.0.0/16";
        await using var s = lab.Scenario("claim-waits", output);
        var (h1, h2) = (s.Peers[0], s.Peers[1]);
        await Task.WhenAll(h1.Launch("--ipalloc-range", universe, h2.Address), h2.Launch("--ipalloc-range", universe, h1.Address));
        var c1 = await h1.Run("10.2.128.1/12");
        await Task.WhenAll(h1.Ok("stop"), h2.Ok("stop"));
        // As Weave's test deletes the IPAM database and nothing else: the peer keeps its name.
        h1.DeleteIpamState();

        // host1 starts over with a quorum of two and host2 down: no ring, so a claim in the range has to wait.
        await h1.Launch("--ipalloc-range", universe, h2.Address);
        var created = await h1.Host.Docker("run", "-d", "--network", "none", Peer.Image, "sleep", "3600");
        Assert.True(created.Ok, created.ToString());
        var c4 = created.Out.Trim();
        var claim = h1.Within(TimeSpan.FromSeconds(90), "attach", "--timeout", "80", "10.2.128.4/12", c4);
        await Poll.Throughout(() => Task.FromResult(!claim.IsCompleted), TimeSpan.FromSeconds(3), "the claim waits for a ring");
        // An address outside the range needs no ring.
        var outside = await h1.Within(TimeSpan.FromSeconds(15), "run", "10.3.0.1/12", Peer.Image, "sleep", "3600");
        Assert.True(outside.Ok, outside.ToString());

        await h2.Launch("--ipalloc-range", universe, h1.Address);
        var attached = await claim;
        Assert.True(attached.Ok, attached.ToString());
        Assert.Equal("10.2.128.4", await h1.AddressOf(c4));
        Assert.Equal("10.2.128.1", await h1.AddressOf(c1));
        await s.AssertNoAddressOnTwoHolders();
    }

    [SkippableFact]
    public async Task A_rolling_reset_and_relaunch_of_both_hosts_leaves_a_ring_that_allocates()
    {
        await using var s = lab.Scenario("reset", output);
        var (h1, h2) = (s.Peers[0], s.Peers[1]);
        await h1.Launch();
        await h2.Launch(h1.Address);
        await h1.Run();
        await h2.Run();
        await h1.Ok("expose");

        // What this host put on the bridge goes with its state: the next ring may hand those addresses out.
        await h1.Ok("reset");
        Assert.Empty(await h1.BridgeAddresses());
        await h1.Launch(h2.Address);
        await h2.Ok("reset");
        await h2.Launch(h1.Address);

        var run = await h1.Within(TimeSpan.FromSeconds(10), "run", Peer.Image, "sleep", "3600");
        Assert.True(run.Ok, run.ToString());
        await s.AssertNoAddressOnTwoHolders();
    }

    [SkippableFact]
    public async Task Allocations_persist_across_stop_and_relaunch_and_a_container_removed_meanwhile_frees_its_address()
    {
        await using var s = lab.Scenario("persist", output);
        var (h1, h2) = (s.Peers[0], s.Peers[1]);
        await Task.WhenAll(h1.Launch(h2.Address), h2.Launch(h1.Address));
        var exposed = (await h1.Ok("expose")).Trim();
        var c1Address = await h1.AddressOf(await h1.Run());
        await h2.Run();
        var c3a = await h2.Run();
        var c3aAddress = await h2.AddressOf(c3a);

        await Task.WhenAll(h1.Ok("stop"), h2.Ok("stop"));
        Assert.True((await h2.Host.Docker("rm", "-f", c3a)).Ok);

        // host2 alone, from what it persisted: c1's address (host1's) is not its to give, c3a's is free again.
        await h2.Launch();
        var c3Address = await h2.AddressOf(await h2.Run());
        Assert.NotEqual(c1Address, c3Address);
        Assert.Equal(c3aAddress, c3Address);

        await h1.Launch(h2.Address);
        var c4Address = await h1.AddressOf(await h1.Run());
        Assert.NotEqual(exposed, c4Address);
        await s.AssertNoAddressOnTwoHolders();
    }
}
