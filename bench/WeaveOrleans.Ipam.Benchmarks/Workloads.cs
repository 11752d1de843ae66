using System.Collections.Immutable;
using WeaveOrleans.Ipam.Addresses;
using WeaveOrleans.Ipam.FreeList;
using WeaveOrleans.Ipam.Peers;
using WeaveOrleans.Ipam.Rings;

namespace WeaveOrleans.Ipam.Benchmarks;

/// <summary>
/// The inputs every benchmark and the size report share. They are spelled out here, in one place,
/// because the same workloads are run against Weave's Go code and must stay comparable.
/// </summary>
internal static class Workloads
{
    public static readonly Cidr Subnet = Cidr.Parse("10.32.0.0/12");

    public const int HeldAddresses = 100_000;

    public const int FreedAddresses = 4_000;

    /// <summary>Fixed so that every run (and the Go side) frees the same addresses in the same order.</summary>
    public const int Seed = 42;

    public static readonly PeerName LocalPeer = new(1);

    /// <summary>A peer that owns the whole subnet and has handed out nothing yet.</summary>
    public static Space OwnerOfWholeSubnet()
    {
        var space = new Space();
        space.AddOwned(Subnet.Range);
        return space;
    }

    /// <summary>A peer owning the whole subnet with the lowest <paramref name="count"/> host addresses handed out.</summary>
    public static Space SpaceHolding(int count)
    {
        var space = OwnerOfWholeSubnet();
        for (var i = 0; i < count; i++)
            space.TryAllocate(Subnet.HostRange, out _);
        return space;
    }

    /// <summary>
    /// <see cref="FreedAddresses"/> distinct addresses among the <see cref="HeldAddresses"/> lowest host
    /// addresses, in shuffled order: the head of a Fisher–Yates shuffle of their offsets.
    /// </summary>
    public static Address[] AddressesToFree()
    {
        var offsets = Enumerable.Range(0, HeldAddresses).ToArray();
        new Random(Seed).Shuffle(offsets);
        return [.. offsets.Take(FreedAddresses).Select(o => Subnet.HostRange.Start + (UInt128)o)];
    }

    /// <summary>The initial split of the subnet among peers 1..<paramref name="peers"/>, seen from peer 1.</summary>
    public static Ring SplitRing(int peers)
    {
        var ring = new Ring(Subnet.Range, LocalPeer);
        ring.ClaimForPeers(Enumerable.Range(1, peers).Select(p => new PeerName((ulong)p)));
        return ring;
    }

    /// <summary>The split as it looks after every peer reported its free space once: each entry one version on, one address fuller.</summary>
    public static RingData AfterOneFreeReport(RingData split) =>
        split with { Entries = [.. split.Entries.Select(e => e with { Version = 1, Free = e.Free - 1 })] };

    /// <summary>A delta carrying one changed entry: peer 2's free report, the smallest gossip a merge can get. Like <c>Ring.DeltaSince</c>, it carries no seeds.</summary>
    public static RingData OneEntryDelta(RingData split)
    {
        var changed = split.Entries[1];
        return split with
        {
            Seeds = [],
            Entries = ImmutableArray.Create(changed with { Version = 1, Free = changed.Free - 1 }),
            IsDelta = true,
        };
    }
}
