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
    /// <summary>
    /// The next token when this version of the entry was written (the end of its range then), or null
    /// for an entry written by an earlier release. It is what lets tokens go without tombstones: a
    /// token strictly inside [Token, End) with a lower version is older than this entry and stale
    /// (see Ring.Ends.cs).
    /// </summary>
    public Address? End { get; init; }

    /// <summary>
    /// The version the entry had when <see cref="End"/> was recorded: only tokens below it are stale.
    /// A takeover raises the version by a jump but keeps the end and this (the taker may not have
    /// heard the removed peer's last grants, whose tokens are above it).
    /// </summary>
    public uint EndVersion { get; init; }

    public override string ToString() =>
        $"{Token} -> {Peer} (v{Version}, free {Free}{(End is { } end ? $", end {end} at v{EndVersion}" : "")})";
}
