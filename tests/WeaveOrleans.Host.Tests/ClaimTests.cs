using System.Net;

namespace WeaveOrleans.Host.Tests;

public sealed class ClaimTests
{
    [Fact]
    public async Task A_claim_of_an_address_an_unreachable_peer_owns_fails_at_once_saying_so()
    {
        await using var net = new TestNetwork();
        var hosts = await net.StartAllAsync("10.54.0.0/24", "consensus=2", ("ka", ["kb"]), ("kb", ["ka"]));
        var (a, b) = (hosts[0], hosts[1]);
        await Task.WhenAll(a.Grain.Prime(), b.Grain.Prime());
        await Poll.RingsConvergeAsync(a, b);
        var ofB = (await a.StatusAsync()).Entries.First(e => e.Peer == b.Name.ToString()).Token;
        var bytes = IPAddress.Parse(ofB).GetAddressBytes();
        bytes[3]++;
        var address = $"{new IPAddress(bytes)}/24";

        net.Network.Isolate(b.Name);
        await Poll.UntilAsync(async () => (await a.StatusAsync()).ConnectedPeers.Length == 0, "a sees b go");

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var reply = await a.Grain.Claim("c1", Ipam.Addresses.Cidr.Parse(address), isContainer: true, noErrorOnUnknown: false, timeout.Token);
        Assert.False(reply.IsOk);
        // Only the at-once path says "unreachable" (before, the claim was retried for five ticks first).
        Assert.Equal($"address {address} is owned by other peer {b.Name}(kb), which is unreachable", reply.Error);
    }
}
