using System.Collections.Immutable;
using WeaveOrleans.Ipam.Addresses;
using WeaveOrleans.Ipam.Consensus;
using WeaveOrleans.Ipam.Peers;
using WeaveOrleans.Ipam.Rings;

namespace WeaveOrleans.Ipam.Allocation;

/// <summary>What peers tell each other.</summary>
public abstract record PeerMessage;

/// <summary>
/// A peer's knowledge: while there is no ring, its consensus state; once there is, the ring. Also the
/// nicknames it knows and the peers removed with rmpeer, each with the peer that took its ranges (a
/// grow-only map, so that a removed peer that comes back learns it must reset). With neither ring nor consensus state and <paramref name="RingRequest"/>
/// set, it asks for the ring (an observer, or a peer that has none).
/// </summary>
public sealed record Gossip(
    ImmutableDictionary<PeerName, string> Nicknames,
    PaxosState? Paxos,
    RingData? Ring,
    ImmutableDictionary<PeerName, PeerName> Removed,
    bool RingRequest = false) : PeerMessage;

/// <summary>Please give me free space inside <paramref name="Range"/> (one address for a claim).</summary>
public sealed record SpaceRequest(AddressRange Range) : PeerMessage;

/// <summary>I have nothing to give inside <paramref name="Range"/>: ask someone else.</summary>
public sealed record SpaceRequestDenied(AddressRange Range) : PeerMessage;

/// <summary>A message leaving this peer: to one peer, or to every connected peer when <paramref name="To"/> is null.</summary>
public readonly record struct Outgoing(PeerName? To, PeerMessage Message);
