using System.Collections.Immutable;
using CsCheck;
using WeaveOrleans.Ipam.Addresses;
using WeaveOrleans.Ipam.Allocation;
using WeaveOrleans.Ipam.Consensus;
using WeaveOrleans.Ipam.Peers;
using WeaveOrleans.Ipam.Rings;

namespace WeaveOrleans.Ipam.Tests.Encoding;

/// <summary>Generators for everything the codecs carry, reaching the edges of each field's range.</summary>
internal static class CodecGen
{
    // A few small names make repeats and shared peers likely; the full range reaches the 48-bit edge.
    public static readonly Gen<PeerName> Peer =
        Gen.OneOf(Gen.ULong[0, 6], Gen.ULong[0, PeerName.MaxValue], Gen.OneOf(PeerName.MaxValue, PeerName.MaxValue - 1))
            .Select(v => new PeerName(v));

    public static readonly Gen<UInt128> Value128 =
        Gen.OneOf(Gen.Select(Gen.ULong, Gen.ULong, (hi, lo) => ((UInt128)hi << 64) | lo), Gen.ULong[0, 1000].Select(v => (UInt128)v));

    public static readonly Gen<Address> V4 = Gen.UInt.Select(Address.FromV4);

    public static readonly Gen<Address> V6 = Value128.Where(v => !new Address(v).IsV4).Select(v => new Address(v));

    public static readonly Gen<Cidr> Cidr =
        Gen.OneOf(V4, V6).SelectMany(a => Gen.Int[0, a.FamilyBits].Select(p => new Cidr(a, p)));

    /// <summary>Any non-empty range that does not wrap past the top of the address line.</summary>
    public static readonly Gen<AddressRange> Range =
        Gen.Select(Value128, Value128).Where(t => t.Item1 != t.Item2)
            .Select(t => new AddressRange(new Address(UInt128.Min(t.Item1, t.Item2)), new Address(UInt128.Max(t.Item1, t.Item2))));

    private static readonly string[] Pieces = ["a", "Z", "7", "-", ".", " ", "é", "ß", "Ω", "日本", "🦊", "Ünïcödé"];

    public static readonly Gen<string> Text = Gen.OneOf(Pieces).Array[0, 12].Select(p => string.Concat(p));

    public static readonly Gen<ImmutableDictionary<PeerName, string>> Nicknames =
        Gen.Select(Peer, Text).Array[0, 5].Select(pairs => pairs.DistinctBy(p => p.Item1).ToImmutableDictionary(p => p.Item1, p => p.Item2));

    public static readonly Gen<ImmutableArray<PeerName>> Peers = Peer.Array[0, 5].Select(p => p.ToImmutableArray());

    public static readonly Gen<ProposalId> Proposal =
        Gen.Select(Gen.OneOf(Gen.ULong[0, 4], Gen.ULong), Peer, (round, proposer) => new ProposalId(round, proposer));

    public static readonly Gen<AcceptedValue> Value = Gen.Select(Peer.Array[0, 5], Peer, (peers, origin) => new AcceptedValue(peers, origin));

    public static readonly Gen<NodeClaims> Claims =
        Gen.Select(Proposal, Proposal, Value.Null(0.4), (promise, acceptedId, value) => new NodeClaims(promise, acceptedId, value));

    public static readonly Gen<PaxosState> Paxos =
        Gen.Select(Peer, Claims).Array[0, 5].Select(entries => PaxosState.From(entries.Select(e => KeyValuePair.Create(e.Item1, e.Item2))));

    private static readonly Gen<RingEntry> Entry =
        Gen.Select(Gen.ULong, Peer, Gen.UInt, Value128, (offset, peer, version, free) => new RingEntry(new Address(offset), peer, version, free));

    /// <summary>
    /// Tokens are offsets from the universe start (wrapping, as the codec allows), sorted and distinct;
    /// half the rings give the entries inside the universe an end (there at the start, the farthest).
    /// </summary>
    public static readonly Gen<RingData> Ring =
        Gen.Select(Range, Peers, Entry.Array[0, 8], Gen.Bool, Gen.Bool, (universe, seeds, entries, delta, ends) =>
        {
            var placed = entries
                .Select(e => e with { Token = new Address(universe.Start.Value + e.Token.Value) })
                .Select(e => ends && universe.Contains(e.Token) ? e with { End = universe.Start, EndVersion = e.Version / 2 } : e)
                .DistinctBy(e => e.Token).OrderBy(e => e.Token);
            return new RingData(universe, seeds, [.. placed], delta);
        });

    /// <summary>Removed peers, each with a remover (possibly repeated) drawn from the same names.</summary>
    public static readonly Gen<ImmutableDictionary<PeerName, PeerName>> Removals =
        Gen.Select(Peers, Peer, (victims, other) => victims.ToImmutableDictionary(v => v, v => v.Value % 2 == 0 ? other : v));

    public static readonly Gen<RingStamp?> Stamp =
        Gen.Select(Gen.ULong, Gen.ULong, Gen.Int[0, 9], (epoch, stamp, absent) => absent < 3 ? null : (RingStamp?)new RingStamp(epoch, stamp));

    /// <summary>A relay bound half the time (see RelayTree).</summary>
    public static readonly Gen<PeerName?> RelayBound = Gen.Select(Peer, Gen.Bool, (p, has) => has ? p : (PeerName?)null);

    public static readonly Gen<Gossip> Gossip =
        Gen.Select(Gen.Select(Nicknames, Paxos.Null(0.4), Ring.Null(0.4), Removals, Gen.Bool), Stamp, Gen.ULong, Stamp, RelayBound,
            (g, ringAt, deltaBase, heard, relay) => new Gossip(g.Item1, g.Item2, g.Item3, g.Item4, g.Item5, ringAt, deltaBase, heard, relay));

    public static readonly Gen<PeerMessage> Message = Gen.OneOf<PeerMessage>(
        Gossip.Select(g => (PeerMessage)g),
        Range.Select(r => (PeerMessage)new SpaceRequest(r)),
        Range.Select(r => (PeerMessage)new SpaceRequestDenied(r)));

    public static readonly Gen<AllocatorSnapshot> Snapshot =
        Gen.Select(Gen.Select(Peer, Text, Cidr, Ring.Null(0.4)), Paxos.Null(0.4), Nicknames, Removals, Gen.Bool,
            (head, paxos, nicknames, removed, gone) =>
                new AllocatorSnapshot(head.Item1, head.Item2, head.Item3, head.Item4, paxos, nicknames, removed, gone));

    public static readonly Gen<OwnedAddresses> Owned =
        Gen.Select(Gen.Bool, Cidr.Array[0, 6], (container, cidrs) => new OwnedAddresses(container, [.. cidrs]));
}
