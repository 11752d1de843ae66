using Xunit.Abstractions;

namespace WeaveOrleans.EndToEnd.Tests;

/// <summary>
/// How hosts come to share one ring, or refuse to (Weave's tests 340, 350, 360 and 380): consensus
/// with observers, rings seeded apart that meet through <c>weave connect</c>, and a given seed.
/// </summary>
[Collection(ThreeHostCollection.Name)]
public sealed class RingFormationTests(ThreeHostLab lab, ITestOutputHelper output)
{
    [SkippableFact]
    public async Task An_observer_does_not_count_towards_the_quorum_and_a_second_elector_completes_it()
    {
        await using var s = lab.Scenario("observers-vote", output);
        var (h1, h2, h3) = (s.Peers[0], s.Peers[1], s.Peers[2]);
        await h1.Launch("--ipalloc-init", "consensus=2");
        await h2.Launch("--ipalloc-init", "observer", h1.Address);

        var early = await h1.TryRun("--timeout", "2");
        Assert.False(early.Ok, $"host1 allocated with one elector of a quorum of two (the other peer is an observer): {early}");

        await h3.Launch("--ipalloc-init", "consensus=2", h2.Address);
        var run = await h1.Within(TimeSpan.FromSeconds(15), "run", "--timeout", "10", Peer.Image, "sleep", "3600");
        Assert.True(run.Ok, run.ToString());
        await s.AssertNoAddressOnTwoHolders();
    }

    [SkippableFact]
    public async Task No_ring_exists_until_asked_and_then_an_observer_gets_one_from_the_electors()
    {
        await using var s = lab.Scenario("observers-ask", output);
        var (h1, h2, h3) = (s.Peers[0], s.Peers[1], s.Peers[2]);
        await h1.Launch("--ipalloc-init", "consensus=2");
        await Task.WhenAll(h2.Launch("--ipalloc-init", "consensus=2", h1.Address), h3.Launch("--ipalloc-init", "observer", h2.Address));
        await Poll.Until(async () => (await h2.Status("Peers")).StartsWith("3 ", StringComparison.Ordinal), TimeSpan.FromSeconds(30),
            "host2 is connected to both others");

        foreach (var peer in s.Peers)
            Assert.Equal("", await peer.Ok("status", "ipam"));

        var run = await h3.Within(TimeSpan.FromSeconds(15), "run", "--timeout", "10", Peer.Image, "sleep", "3600");
        Assert.True(run.Ok, run.ToString());
        foreach (var peer in s.Peers)
            await Poll.Until(async () => (await peer.Ok("status", "ipam")).Length > 0, TimeSpan.FromSeconds(15), $"{peer.Host.Name} knows the ring");
        await s.AssertNoAddressOnTwoHolders();
    }

    [SkippableFact]
    public async Task Rings_seeded_apart_do_not_merge_when_connected_and_no_daemon_fails()
    {
        await using var s = lab.Scenario("seed-mismatch", output);
        var (h1, h2, h3) = (s.Peers[0], s.Peers[1], s.Peers[2]);
        await Task.WhenAll(s.Peers.Select(p => p.Launch("--no-discovery")));
        var c1 = await h1.Run();
        var c2 = await h2.Run();

        // host3 has no ring yet: it takes host2's.
        await h2.Ok("connect", h3.Address);
        await Poll.Until(async () => (await h3.Ok("status", "ipam")).Length > 0, TimeSpan.FromSeconds(20), "host3 receives host2's ring");
        var c3 = await h3.Run();
        var h1Containers = new[] { c1, await h1.Run(), await h1.Run() };

        // host1's ring and host2's were seeded apart: connecting them must leave both as they are.
        var before1 = await h1.Ok("status", "ipam");
        var before3 = await h3.Ok("status", "ipam");
        await h1.Ok("connect", h3.Address);
        await Poll.Until(async () => (await h1.Ok("status")).Contains("RejectedMerges: ", StringComparison.Ordinal)
                || (await h3.Ok("status")).Contains("RejectedMerges: ", StringComparison.Ordinal),
            TimeSpan.FromSeconds(30), "host1 or host3 reports the other's ring as rejected (RejectedMerges in weave status)");
        Assert.True((await h3.Weave("status")).Ok, "host3's daemon answers weave status after meeting a foreign ring");
        Assert.True((await h1.Weave("status")).Ok, "host1's daemon answers weave status after meeting a foreign ring");
        Assert.Equal(before1, await h1.Ok("status", "ipam"));
        Assert.Equal(before3, await h3.Ok("status", "ipam"));

        // Each ring on its own never gives an address twice (across the two rings it may: they are separate networks).
        await s.AssertNoAddressOnTwoHolders(h1);
        await s.AssertNoAddressOnTwoHolders(h2, h3);
        foreach (var c in h1Containers)
            Assert.Single(await h1.ContainerAddresses(c));
        Assert.Single(await h2.ContainerAddresses(c2));
        Assert.Single(await h3.ContainerAddresses(c3));
    }

    [SkippableFact]
    public async Task Peers_given_one_seed_allocate_before_they_meet_and_a_renamed_peer_starts_without_a_ring()
    {
        await using var s = lab.Scenario("seed", output);
        var (h1, h2) = (s.Peers[0], s.Peers[1]);
        await Task.WhenAll(
            h1.Launch("--name", "::1", "--ipalloc-init", "seed=::1,::2"),
            h2.Launch("--name", "::2", "--ipalloc-init", "seed=::1,::2"));
        var c1 = await h1.Within(TimeSpan.FromSeconds(15), "run", "--timeout", "10", Peer.Image, "sleep", "3600");
        Assert.True(c1.Ok, c1.ToString());
        var c2 = await h2.Within(TimeSpan.FromSeconds(15), "run", "--timeout", "10", Peer.Image, "sleep", "3600");
        Assert.True(c2.Ok, c2.ToString());

        await h2.Ok("connect", h1.Address);
        await Poll.Until(async () => (await h2.Status("Peers")).StartsWith("2 ", StringComparison.Ordinal), TimeSpan.FromSeconds(20), "host2 is connected to host1");
        // The seed split the range before either allocated: their first addresses differ without a word exchanged.
        await s.AssertNoAddressOnTwoHolders();

        Assert.True((await h2.Host.Docker("rm", "-f", c2.Out.Trim())).Ok);
        await h2.Ok("forget", h1.Address);
        await h2.Ok("stop");
        await h2.Launch("--name", "::3");
        Assert.Equal("", await h2.Ok("status", "ipam"));
    }
}
