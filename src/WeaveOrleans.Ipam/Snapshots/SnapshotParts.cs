using System.Collections.Immutable;
using WeaveOrleans.Ipam.Allocation;
using WeaveOrleans.Ipam.Consensus;
using WeaveOrleans.Ipam.Peers;
using WeaveOrleans.Ipam.Rings;

namespace WeaveOrleans.Ipam.Snapshots;

/// <summary>Cuts a snapshot into its parts and puts parts back together: the two are exact inverses.</summary>
public static class SnapshotParts
{
    public static IEnumerable<SnapshotPart> Split(AllocatorSnapshot snapshot)
    {
        yield return new HeaderPart(snapshot.Self, snapshot.Nickname, snapshot.Range, snapshot.RemovedFromNetwork);
        if (snapshot.Ring is { IsEmpty: false } ring)
        {
            yield return new RingPart(ring.Universe, ring.Seeds.IsDefault ? [] : ring.Seeds);
            foreach (var entry in ring.Entries)
                yield return new RingEntryPart(entry);
        }
        if (snapshot.Paxos is { } paxos)
        {
            yield return new ConsensusPart(PaxosState.Empty);
            foreach (var (node, claims) in paxos)
                yield return new ElectorPart(node, claims);
        }
        foreach (var (peer, nickname) in snapshot.Nicknames)
            yield return new NicknamePart(peer, nickname);
        foreach (var (victim, remover) in snapshot.Removed)
            yield return new RemovalPart(victim, remover);
        if (!snapshot.Quarantine.IsDefaultOrEmpty)
            yield return new QuarantinePart(snapshot.Quarantine);
    }

    /// <summary>
    /// The snapshot the parts make; null when there are none. Parts that cannot make one (no header,
    /// entries without a ring, a kind twice) are an <see cref="InvalidDataException"/>.
    /// </summary>
    public static AllocatorSnapshot? Assemble(IEnumerable<SnapshotPart> parts)
    {
        HeaderPart? header = null;
        RingPart? ring = null;
        PaxosState? paxos = null;
        ImmutableArray<Quarantine> quarantine = [];
        var entries = new List<RingEntry>();
        var electors = new List<KeyValuePair<PeerName, NodeClaims>>();
        var nicknames = ImmutableDictionary.CreateBuilder<PeerName, string>();
        var removed = ImmutableDictionary.CreateBuilder<PeerName, PeerName>();
        var seen = new HashSet<PartKey>();
        foreach (var part in parts)
        {
            if (!seen.Add(part.Key))
                throw new InvalidDataException($"bad snapshot: part {part.Key} twice");
            switch (part)
            {
                case HeaderPart h: header = h; break;
                case RingPart r: ring = r; break;
                case RingEntryPart e: entries.Add(e.Entry); break;
                case ConsensusPart c: paxos = c.State; break;
                case ElectorPart e: electors.Add(new(e.Node, e.Claims)); break;
                case NicknamePart n: nicknames.Add(n.Peer, n.Nickname); break;
                case RemovalPart r: removed.Add(r.Victim, r.Remover); break;
                case QuarantinePart q: quarantine = q.Entries; break;
            }
        }
        if (seen.Count == 0)
            return null;
        if (header is null)
            throw new InvalidDataException("bad snapshot: parts without a header");
        if (ring is null && entries.Count > 0)
            throw new InvalidDataException("bad snapshot: ring entries without a ring");
        if (ring is not null && entries.Count == 0)
            throw new InvalidDataException("bad snapshot: a ring without entries");
        if (paxos is null && electors.Count > 0)
            throw new InvalidDataException("bad snapshot: electors without consensus state");
        if (paxos is not null)
            paxos = paxos.Merge(PaxosState.From(electors));
        var ringData = ring is null ? null : new RingData(ring.Universe, ring.Seeds, [.. entries.OrderBy(e => e.Token)]);
        return new AllocatorSnapshot(
            header.Self, header.Nickname, header.Range, ringData, paxos,
            nicknames.ToImmutable(), removed.ToImmutable(), header.RemovedFromNetwork, quarantine);
    }
}
