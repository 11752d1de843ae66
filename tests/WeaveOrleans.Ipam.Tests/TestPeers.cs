using WeaveOrleans.Ipam.Addresses;
using WeaveOrleans.Ipam.Peers;

namespace WeaveOrleans.Ipam.Tests;

/// <summary>Peer names as the reference's tests write them: "01" is 01:00:00:02:00:00.</summary>
internal static class TestPeers
{
    public static PeerName P(int n) => new(((ulong)n << 40) | (2UL << 16));

    public static Address A(string text) => Address.Parse(text);

    public static AddressRange R(string start, string endExclusive) => new(A(start), A(endExclusive));

    public static AddressRange C(string cidr) => Cidr.Parse(cidr).Range;
}
