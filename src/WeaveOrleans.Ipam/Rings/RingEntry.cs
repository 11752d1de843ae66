using WeaveOrleans.Ipam.Addresses;
using WeaveOrleans.Ipam.Peers;

namespace WeaveOrleans.Ipam.Rings;

/// <summary>
/// One token of the ring: <see cref="Peer"/> owns from <see cref="Token"/> up to the next token
/// (wrapping round). <see cref="Version"/> orders competing updates of the same token;
/// <see cref="Free"/> is the owner's advertised free count, which other peers use to pick a donor.
/// </summary>
public readonly record struct RingEntry(Address Token, PeerName Peer, uint Version, UInt128 Free)
{
    public override string ToString() => $"{Token} -> {Peer} (v{Version}, free {Free})";
}
