using WeaveOrleans.Grains;
using WeaveOrleans.Ipam.Addresses;
using WeaveOrleans.Ipam.Peers;
using WeaveOrleans.Ipam.Rings;
using WeaveOrleans.Contract.Api;

namespace WeaveOrleans.Host.Tests;

/// <summary>The driver's record of recent changes of owner, found by comparing successive rings.</summary>
public sealed class RangeTransferLogTests
{
    private static readonly PeerName A = PeerName.Parse("7e:00:00:00:00:01");
    private static readonly PeerName B = PeerName.Parse("7e:00:00:00:00:02");
    private static readonly PeerName C = PeerName.Parse("7e:00:00:00:00:03");
    private static readonly AddressRange Universe = Cidr.Parse("10.9.0.0/24").Range;
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);

    private static string Nick(PeerName p) => p == A ? "a" : p == B ? "b" : "c";

    private static Ring RingOfThree()
    {
        var ring = new Ring(Universe, A);
        ring.ClaimForPeers([A, B, C]);
        return ring;
    }

    [Fact]
    public void The_first_ring_seen_is_the_baseline_not_a_transfer()
    {
        var log = new RangeTransferLog(capacity: 10);
        var ring = new Ring(Universe, A);
        log.Observe(ring, Now, (_, _) => "donation", Nick);
        ring.ClaimForPeers([A, B, C]);
        log.Observe(ring, Now, (_, _) => "donation", Nick);
        Assert.Empty(log.Recent());
    }

    [Fact]
    public void A_grant_is_one_transfer_with_its_range_and_size()
    {
        var ring = RingOfThree();
        var log = new RangeTransferLog(capacity: 10);
        log.Observe(ring, Now, (_, _) => "donation", Nick);
        var mine = ring.Entries.First(e => e.Peer == A).Token;
        var granted = new AddressRange(mine + 16, mine + 32);
        ring.GrantRangeToHost(granted, B);
        log.Observe(ring, Now.AddSeconds(1), (from, to) => from == A && to == B ? "donation" : "wrong", Nick);

        var t = Assert.Single(log.Recent());
        Assert.Equal(("donation", A.ToString(), "a", B.ToString(), "b", "16"), (t.Kind, t.From, t.FromNickname, t.To, t.ToNickname, t.Addresses));
        Assert.Equal([granted.ToString()], t.Ranges);
        Assert.Equal(Now.AddSeconds(1), t.At);

        log.Observe(ring, Now.AddSeconds(2), (_, _) => "again", Nick);
        Assert.Single(log.Recent());
    }

    [Fact]
    public void A_takeover_moves_every_range_of_the_victim_including_the_one_that_wraps()
    {
        var ring = RingOfThree();
        var log = new RangeTransferLog(capacity: 10);
        log.Observe(ring, Now, (_, _) => "x", Nick);
        var owned = ring.SizeByPeer();
        var victim = ring.Entries.Last().Peer; // its range wraps round to the universe's start
        var heir = victim == A ? B : A;
        ring.Transfer(victim, heir);
        log.Observe(ring, Now, (_, _) => "rmpeer", Nick);

        var t = Assert.Single(log.Recent());
        Assert.Equal((victim.ToString(), heir.ToString(), "rmpeer"), (t.From, t.To, t.Kind));
        Assert.Equal(owned[victim].ToString(System.Globalization.CultureInfo.InvariantCulture), t.Addresses);
    }

    [Fact]
    public void Only_the_most_recent_transfers_are_kept()
    {
        var ring = RingOfThree();
        var log = new RangeTransferLog(capacity: 3);
        log.Observe(ring, Now, (_, _) => "donation", Nick);
        var start = ring.Entries.First(e => e.Peer == A).Token;
        for (var i = 0; i < 5; i++)
        {
            ring.GrantRangeToHost(new AddressRange(start + (UInt128)(4 * i), start + (UInt128)(4 * i + 4)), B);
            log.Observe(ring, Now.AddSeconds(i), (_, _) => "donation", Nick);
        }
        Assert.Equal([Now.AddSeconds(2), Now.AddSeconds(3), Now.AddSeconds(4)], log.Recent().Select(t => t.At));
    }
}
