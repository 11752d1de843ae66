using System.Net;
using WeaveOrleans.Grains;
using WeaveOrleans.Contract.Api;

namespace WeaveOrleans.Host.Tests;

/// <summary>
/// The transfers status reports, named by how they came about, on the peer that made them and on
/// the peers that only heard of them through gossip.
/// </summary>
public sealed class RangeTransferKindTests
{
    [Fact]
    public async Task Donation_rmpeer_and_reset_are_each_listed_by_their_kind_on_every_peer_that_saw_them()
    {
        await using var net = new TestNetwork();
        var hosts = await net.StartAllAsync("10.63.0.0/24", null,
            ("ka", ["kb", "kc"]), ("kb", ["ka", "kc"]), ("kc", ["ka", "kb"]));
        var (a, b, c) = (hosts[0], hosts[1], hosts[2]);
        await Task.WhenAll(hosts.Select(h => h.AllocateAsync($"k-{h.Nick}")));
        await Poll.RingsConvergeAsync(a, b, c);
        string A = a.Name.ToString(), B = b.Name.ToString(), C = c.Name.ToString();

        // a allocates in a /28 of b's: b donates, and c hears of it.
        var subnet = SubnetOf(await a.StatusAsync(), B);
        await a.AllocateAsync("in-b", subnet);
        await UntilListedAsync([a, b, c], RangeTransfer.Donation, B, A);

        await c.StopAsync();
        await Poll.UntilAsync(async () => !(await a.StatusAsync()).ConnectedPeers.Contains(C), "a sees c go");
        Assert.True((await a.Grain.RemovePeer("kc")).IsOk);
        await UntilListedAsync([a, b], RangeTransfer.RemovePeer, C, A);

        Assert.True((await b.Grain.Shutdown()).IsOk);
        await UntilListedAsync([a, b], RangeTransfer.Reset, B, A);

        // Nothing was listed under a kind it was not: what left c was removed, what b gave was donated or handed on.
        foreach (var h in new[] { a, b })
        {
            var transfers = (await h.StatusAsync()).Transfers!;
            Assert.All(transfers.Where(t => t.From == C), t => Assert.Equal(RangeTransfer.RemovePeer, t.Kind));
            Assert.All(transfers.Where(t => t.Kind != RangeTransfer.RemovePeer), t => Assert.Equal(B, t.From));
        }
    }

    private static async Task UntilListedAsync(TestHost[] hosts, string kind, string from, string to) =>
        await Poll.UntilAsync(async () =>
        {
            var all = await Task.WhenAll(hosts.Select(h => h.StatusAsync()));
            return all.All(s => (s.Transfers ?? []).Any(t => t.Kind == kind && t.From == from && t.To == to && t.Addresses != "0"));
        }, $"{string.Join(",", hosts.Select(h => h.Nick))} list a {kind} from {from} to {to}");

    /// <summary>The first whole /28 inside one of <paramref name="owner"/>'s entries.</summary>
    private static string SubnetOf(IpamStatus status, string owner)
    {
        foreach (var e in status.Entries.Where(e => e.Peer == owner))
        {
            var start = IPAddress.Parse(e.Token).GetAddressBytes().Aggregate(0UL, (n, x) => (n << 8) | x);
            var end = start + ulong.Parse(e.Size, System.Globalization.CultureInfo.InvariantCulture);
            var block = (start + 15) & ~15UL;
            if (block + 16 <= end)
                return $"{new IPAddress(BitConverter.GetBytes((uint)block).Reverse().ToArray())}/28";
        }
        throw new InvalidOperationException($"{owner} owns no whole /28");
    }
}
