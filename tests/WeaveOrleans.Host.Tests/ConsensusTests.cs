namespace WeaveOrleans.Host.Tests;

public sealed class ConsensusTests
{
    private static async Task<string[]> AllAddressesAsync(params TestHost[] hosts)
    {
        var lists = await Task.WhenAll(hosts.Select(h => h.Grain.ListAll()));
        return [.. lists.SelectMany(l => l).SelectMany(e => e.Addresses).Select(a => a.ToString())];
    }

    [Fact]
    public async Task Three_hosts_agree_then_a_partition_keeps_allocating_and_heals()
    {
        await using var net = new TestNetwork();
        var hosts = await net.StartAllAsync("10.40.0.0/16", null,
            ("a", ["b", "c"]), ("b", ["a", "c"]), ("c", ["a", "b"]));
        var (a, b, c) = (hosts[0], hosts[1], hosts[2]);

        // Consensus: the first allocations wait for it, then each host allocates from its own range.
        var first = await Task.WhenAll(hosts.Select(h => h.AllocateAsync($"first-{h.Nick}")));
        Assert.Equal(3, first.Distinct().Count());
        await Poll.RingsConvergeAsync(a, b, c);
        foreach (var h in hosts)
            Assert.Equal("ready", (await h.StatusAsync()).Line);

        // Partition {a} | {b, c}: both sides keep allocating from what they own.
        net.Network.Partition([a.Name], [b.Name, c.Name]);
        await Poll.UntilAsync(async () => (await a.StatusAsync()).ConnectedPeers.Length == 0, "a sees the partition");
        for (var i = 0; i < 5; i++)
            foreach (var h in hosts)
                await h.AllocateAsync($"split-{h.Nick}-{i}");
        var all = await AllAddressesAsync(a, b, c);
        Assert.Equal(18, all.Length);
        Assert.Equal(all.Length, all.Distinct().Count());
        var aStatus = await a.StatusAsync();
        Assert.Contains(aStatus.RangeReport, line => line.Contains("unreachable", StringComparison.Ordinal));
        Assert.Equal(2, aStatus.UnreachablePeers);

        // Heal: rings converge and every host sees the others again.
        net.Network.HealAll();
        await Poll.RingsConvergeAsync(a, b, c);
        await Poll.UntilAsync(async () =>
        {
            var s = await a.StatusAsync();
            return s.ConnectedPeers.Length == 2 && s.UnreachablePeers == 0;
        }, "a reaches b and c after the heal");
        var healed = await a.StatusAsync();
        Assert.DoesNotContain(healed.RangeReport, line => line.Contains("unreachable", StringComparison.Ordinal));
        Assert.Equal(3, healed.RangeReport.Length);
        Assert.Equal(6, healed.ActiveIPs);
        all = await AllAddressesAsync(a, b, c);
        Assert.Equal(all.Length, all.Distinct().Count());
    }

    [Fact]
    public async Task A_line_topology_converges_through_the_middle_host()
    {
        await using var net = new TestNetwork();
        var names = new[] { "la", "lb", "lc" };
        // a and c are never linked, although each learns the other's address from b.
        net.Network.Cut(TestHost.NameOf("la"), TestHost.NameOf("lc"));
        var hosts = await net.StartAllAsync("10.41.0.0/16", "consensus=3",
            ("la", ["lb"]), ("lb", ["la", "lc"]), ("lc", ["lb"]));
        var addresses = await Task.WhenAll(hosts.Select(h => h.AllocateAsync($"x-{h.Nick}")));
        Assert.Equal(3, addresses.Distinct().Count());
        await Poll.RingsConvergeAsync(hosts);
        Assert.False(net.Network.IsLinked(hosts[0].Name, hosts[2].Name));
        var aStatus = await hosts[0].StatusAsync();
        Assert.Equal([hosts[1].Name.ToString()], aStatus.ConnectedPeers);
        Assert.Equal(3, aStatus.Entries.Select(e => e.Peer).Distinct().Count());
        Assert.Equal(names.Length, aStatus.RangeReport.Length);
    }
}
