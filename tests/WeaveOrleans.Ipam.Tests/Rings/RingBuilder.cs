using System.Collections.Immutable;
using WeaveOrleans.Ipam.Addresses;
using WeaveOrleans.Ipam.Peers;
using WeaveOrleans.Ipam.Rings;
using static WeaveOrleans.TestSupport.TestAddresses;
using static WeaveOrleans.TestSupport.TestPeers;

namespace WeaveOrleans.Ipam.Tests.Rings;

internal static class RingBuilder
{
    public static readonly AddressRange Universe = C("10.0.0.0/24");

    public static RingEntry E(string token, int peer, uint version, ulong free) => new(A(token), P(peer), version, free);

    public static RingData Data(params RingEntry[] entries) => new(Universe, [], [.. entries]);

    public static Ring RingOf(int local, params RingEntry[] entries) => Ring.Restore(P(local), Data(entries));

    public static readonly Func<AddressRange, bool> NoAllocations = _ => false;

    public static readonly Func<AddressRange, bool> AllAllocated = _ => true;

    public static RingEntry[] Entries(this Ring ring) => [.. ring.Entries];
}
