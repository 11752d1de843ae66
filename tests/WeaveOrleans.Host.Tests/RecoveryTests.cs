using WeaveOrleans.Grains;

namespace WeaveOrleans.Host.Tests;

public sealed class RecoveryTests
{
    [Fact]
    public async Task A_stopped_hosts_ranges_are_reclaimed_with_rmpeer()
    {
        await using var net = new TestNetwork();
        var hosts = await net.StartAllAsync("10.60.0.0/24", null,
            ("ra", ["rb", "rc"]), ("rb", ["ra", "rc"]), ("rc", ["ra", "rb"]));
        var (a, b, c) = (hosts[0], hosts[1], hosts[2]);
        await Task.WhenAll(hosts.Select(h => h.AllocateAsync($"r-{h.Nick}")));
        await Poll.RingsConvergeAsync(a, b, c);

        // A live peer cannot be removed.
        Assert.False((await a.Grain.RemovePeer("rc")).IsOk);

        await c.StopAsync();
        await Poll.UntilAsync(async () => !(await a.StatusAsync()).ConnectedPeers.Contains(c.Name.ToString()), "a sees c go");
        var reply = await a.Grain.RemovePeer("rc");
        Assert.True(reply.IsOk, reply.Error);
        Assert.True(reply.TakenOver > 0, $"took {reply.TakenOver}");

        await Poll.UntilAsync(async () =>
        {
            var rings = await Task.WhenAll(a.StatusAsync(), b.StatusAsync());
            return rings.All(s => s.Entries.All(e => e.Peer != c.Name.ToString()));
        }, "c's ranges leave every ring");
        // b may not remove it a second time.
        Assert.False((await b.Grain.RemovePeer("rc")).IsOk);
        await a.AllocateAsync("after-rmpeer");
    }

    [Fact]
    public async Task Reset_hands_every_range_to_a_live_peer()
    {
        await using var net = new TestNetwork();
        var hosts = await net.StartAllAsync("10.61.0.0/24", null, ("ta", ["tb"]), ("tb", ["ta"]));
        var (a, b) = (hosts[0], hosts[1]);
        await Task.WhenAll(hosts.Select(h => h.AllocateAsync($"t-{h.Nick}")));
        await Poll.RingsConvergeAsync(a, b);

        var reply = await a.Grain.Shutdown();
        Assert.True(reply.IsOk, reply.Error);
        Assert.Equal(b.Name, reply.Heir);
        await Poll.UntilAsync(async () => (await b.StatusAsync()).Entries.All(e => e.Peer == b.Name.ToString()), "b owns every range");
        var refused = await a.Grain.Allocate("late", null, true);
        Assert.False(refused.IsOk);
        await b.AllocateAsync("t-b-2");
    }

    [Fact]
    public async Task A_restarted_host_keeps_its_allocations_and_a_new_range_discards_them()
    {
        await using var net = new TestNetwork();
        var host = await net.StartAsync("pa", "10.62.0.0/24", "consensus=1");
        var before = new Dictionary<string, string>();
        for (var i = 0; i < 3; i++)
            before[$"p-{i}"] = await host.AllocateAsync($"p-{i}");
        var claimed = await host.Grain.Claim("p-claim", Ipam.Addresses.Cidr.Parse("10.62.0.200/24"), true, false);
        Assert.True(claimed.IsOk, claimed.Error);
        await host.StopAsync();

        // Same peer name, same SQLite files.
        var again = await net.StartAsync("pa", "10.62.0.0/24", "consensus=1");
        Assert.Equal("ready", (await again.StatusAsync()).Line);
        foreach (var (ident, address) in before)
            Assert.Equal([address], (await again.Grain.Lookup(ident, null)).Select(c => c.ToString()));
        Assert.Equal(["10.62.0.200/24"], (await again.Grain.Lookup("p-claim", null)).Select(c => c.ToString()));
        var fresh = await again.AllocateAsync("p-new");
        Assert.DoesNotContain(fresh, before.Values);
        Assert.Equal(5, (await again.StatusAsync()).ActiveIPs);
        await again.StopAsync();

        // Relaunched with another range: the old state is discarded.
        var moved = await net.StartAsync("pa", "10.63.0.0/24", "consensus=1");
        var status = await moved.StatusAsync();
        Assert.Equal("10.63.0.0/24", status.Range);
        Assert.Equal(0, status.ActiveIPs);
        Assert.Empty(await moved.Grain.ListAll());
        Assert.StartsWith("10.63.0.", await moved.AllocateAsync("p-0"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_cancelled_allocation_is_withdrawn()
    {
        await using var net = new TestNetwork();
        // Quorum 2 with nobody to agree with: the allocation waits until it is cancelled.
        var host = await net.StartAsync("ca", "10.64.0.0/24", "consensus=2");
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
        var watch = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            var reply = await host.Grain.Allocate("waits", null, true, cancel.Token);
            Assert.Equal(IpamReplyKind.Cancelled, reply.Kind);
        }
        catch (OperationCanceledException)
        {
            // Orleans may end the caller's side of a cancelled call itself.
        }
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"cancellation took {watch.Elapsed}");
        await Poll.UntilAsync(async () => (await host.StatusAsync()).PendingAllocates.Length == 0, "the engine forgets the request");
    }
}
