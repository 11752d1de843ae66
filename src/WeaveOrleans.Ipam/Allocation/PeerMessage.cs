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
/// grow-only map, so that a removed peer that comes back learns it must reset). With neither ring nor
/// consensus state and <paramref name="RingRequest"/> set, it asks for the ring (an observer, or a peer
/// that has none); with a ring and the flag set, it asks for what it lacks of the receiver's ring.
/// </summary>
/// <param name="RingAt">Where the ring in this message brings its receiver in the sender's ring history.</param>
/// <param name="DeltaBase">For a delta ring: the point in the sender's history it builds on, which the receiver must hold.</param>
/// <param name="Heard">How much of the receiver's ring history the sender holds (the acknowledgement that lets the receiver send deltas).</param>
/// <param name="RelayUntil">
/// The receiver's share of spreading the change this message brings: the peers after it, in peer-name
/// order round the circle, up to (not including) this one (see <see cref="RelayTree"/>). Null: no duty.
/// </param>
/// <remarks>A delta carries the nicknames and removals only when they changed since <paramref name="DeltaBase"/>; empty maps add nothing.</remarks>
public sealed record Gossip(
    ImmutableDictionary<PeerName, string> Nicknames,
    PaxosState? Paxos,
    RingData? Ring,
    ImmutableDictionary<PeerName, PeerName> Removed,
    bool RingRequest = false,
    RingStamp? RingAt = null,
    ulong DeltaBase = 0,
    RingStamp? Heard = null,
    PeerName? RelayUntil = null) : PeerMessage;

/// <summary>Please give me free space inside <paramref name="Range"/> (one address for a claim).</summary>
public sealed record SpaceRequest(AddressRange Range) : PeerMessage;

/// <summary>I have nothing to give inside <paramref name="Range"/>: ask someone else.</summary>
public sealed record SpaceRequestDenied(AddressRange Range) : PeerMessage;

/// <summary>A message leaving this peer for one connected peer (gossip too: each peer gets what it lacks).</summary>
public readonly record struct Outgoing(PeerName To, PeerMessage Message);
