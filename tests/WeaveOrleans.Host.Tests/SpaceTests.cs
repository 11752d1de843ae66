namespace WeaveOrleans.Host.Tests;

public sealed class SpaceTests
{
    [Fact]
    public async Task A_host_that_runs_out_gets_space_from_its_peer()
    {
        await using var net = new TestNetwork();
        var hosts = await net.StartAllAsync("10.50.0.0/28", "consensus=2", ("sb", ["sc"]), ("sc", ["sb"]));
        var (b, c) = (hosts[0], hosts[1]);
        await Task.WhenAll(b.Grain.Prime(), c.Grain.Prime());
        await Poll.RingsConvergeAsync(b, c);

        // /28: 14 usable addresses split between two hosts; b takes 10, so it must be given some of c's.
        var got = new List<string>();
        for (var i = 0; i < 10; i++)
            got.Add(await b.AllocateAsync($"b-{i}"));
        got.Add(await c.AllocateAsync("c-0"));
        Assert.Equal(got.Count, got.Distinct().Count());
        var bStatus = await b.StatusAsync();
        Assert.Equal(10, bStatus.ActiveIPs);
        await Poll.RingsConvergeAsync(b, c);
    }

    [Fact]
    public async Task Seed_mode_allocates_without_any_messages()
    {
        await using var net = new TestNetwork();
        var seed = $"seed={TestHost.NameOf("da")},{TestHost.NameOf("db")}";
        // Not connected at all: each seed builds the same ring on its own.
        var hosts = await net.StartAllAsync("10.51.0.0/24", seed, ("da", []), ("db", []));
        var addresses = await Task.WhenAll(hosts.Select(h => h.AllocateAsync("same-ident")));
        Assert.NotEqual(addresses[0], addresses[1]);
        // The same tokens and owners on both (versions move on with each host's free-space reports).
        var rings = await Task.WhenAll(hosts.Select(async h =>
            string.Join(";", (await h.StatusAsync()).Entries.Select(e => $"{e.Token}>{e.Peer}"))));
        Assert.Equal(rings[0], rings[1]);
        foreach (var h in hosts)
            Assert.Empty((await h.StatusAsync()).ConnectedPeers);
    }

    [Fact]
    public async Task An_observer_takes_the_ring_and_borrows_space()
    {
        await using var net = new TestNetwork();
        var hosts = await net.StartAllAsync("10.52.0.0/24", "consensus=2", ("oa", ["ob"]), ("ob", ["oa"]));
        var observer = await net.StartAsync("oc", "10.52.0.0/24", "observer", "oa");
        Assert.Equal("priming", (await observer.StatusAsync()).Line);

        await Task.WhenAll(hosts.Select(h => h.AllocateAsync($"v-{h.Nick}")));
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20)))
            Assert.True((await observer.Grain.Prime(timeout.Token)).IsOk);
        var fromObserver = await observer.AllocateAsync("o-1");
        Assert.StartsWith("10.52.0.", fromObserver, StringComparison.Ordinal);
        await Poll.RingsConvergeAsync([.. hosts, observer]);
        var status = await observer.StatusAsync();
        Assert.Contains(status.Entries, e => e.Peer == observer.Name.ToString());
    }
}
