using System.Collections.Immutable;
using WeaveOrleans.Ipam.Addresses;
using WeaveOrleans.Ipam.Allocation;
using WeaveOrleans.Ipam.Consensus;
using WeaveOrleans.Ipam.Peers;
using WeaveOrleans.Ipam.Rings;

namespace WeaveOrleans.Ipam.Snapshots;

/// <summary>Which record of a snapshot a part is.</summary>
public enum PartKind : byte
{
    Header = 1,
    Ring = 2,
    RingEntry = 3,
    Consensus = 4,
    Nickname = 5,
    Removal = 6,
    Quarantine = 7,
    Elector = 8,
}

/// <summary>Names one part: its kind and, for the kinds there are many of, the token or peer it is about.</summary>
public readonly record struct PartKey(PartKind Kind, UInt128 Id = default);

/// <summary>
/// One record of an <see cref="AllocatorSnapshot"/> as it is stored: a change to the snapshot writes
/// the parts that differ, so a one-entry ring delta costs one entry, not the ring. Parts compare by
/// value, which is what decides that one changed.
/// </summary>
public abstract record SnapshotPart
{
    private protected SnapshotPart()
    {
    }

    public abstract PartKey Key { get; }
}

/// <summary>Who the snapshot belongs to and whether the network has removed it (there is always one).</summary>
public sealed record HeaderPart(PeerName Self, string Nickname, Cidr Range, bool RemovedFromNetwork) : SnapshotPart
{
    public override PartKey Key => new(PartKind.Header);
}

/// <summary>The ring's universe and seeds; present once the ring has entries.</summary>
public sealed record RingPart(AddressRange Universe, ImmutableArray<PeerName> Seeds) : SnapshotPart
{
    public override PartKey Key => new(PartKind.Ring);

    // ImmutableArray compares by reference; equal seeds must make equal parts.
    public bool Equals(RingPart? other) =>
        other is not null && Universe == other.Universe && Seeds.AsSpan().SequenceEqual(other.Seeds.AsSpan());

    public override int GetHashCode() => HashCode.Combine(Universe, Seeds.Length);
}

/// <summary>One token of the ring.</summary>
public sealed record RingEntryPart(RingEntry Entry) : SnapshotPart
{
    public override PartKey Key => new(PartKind.RingEntry, Entry.Token.Value);
}

/// <summary>
/// That a peer without a ring yet has consensus (Paxos) state: every promise it made must survive.
/// Written with no claims of its own; each elector's claims are an <see cref="ElectorPart"/>, so
/// learning one elector writes one record, not every elector's (which made connecting a thousand
/// peers cost N³). A record from before that, holding every elector's claims, is still read.
/// </summary>
public sealed record ConsensusPart(PaxosState State) : SnapshotPart
{
    public override PartKey Key => new(PartKind.Consensus);
}

/// <summary>One elector's claims as this peer knows them (while it has consensus state).</summary>
public sealed record ElectorPart(PeerName Node, NodeClaims Claims) : SnapshotPart
{
    public override PartKey Key => new(PartKind.Elector, Node.Value);
}

/// <summary>One peer's nickname as this peer heard it.</summary>
public sealed record NicknamePart(PeerName Peer, string Nickname) : SnapshotPart
{
    public override PartKey Key => new(PartKind.Nickname, Peer.Value);
}

/// <summary>A peer removed with rmpeer (or reset), with the peer that took its ranges.</summary>
public sealed record RemovalPart(PeerName Victim, PeerName Remover) : SnapshotPart
{
    public override PartKey Key => new(PartKind.Removal, Victim.Value);
}

/// <summary>
/// The ranges held back after rmpeer, in order; present while there are any. One record: they are few,
/// rare, and a range may come back more than once.
/// </summary>
public sealed record QuarantinePart(ImmutableArray<Quarantine> Entries) : SnapshotPart
{
    public override PartKey Key => new(PartKind.Quarantine);

    public bool Equals(QuarantinePart? other)
    {
        if (other is null || other.Entries.Length != Entries.Length)
            return false;
        for (var i = 0; i < Entries.Length; i++)
            if (Entries[i].Range != other.Entries[i].Range || !Entries[i].Awaiting.SetEquals(other.Entries[i].Awaiting))
                return false;
        return true;
    }

    public override int GetHashCode() => Entries.Length;
}
