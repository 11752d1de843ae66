using System.Collections;
using System.Collections.Immutable;
using WeaveOrleans.Ipam.Peers;

namespace WeaveOrleans.Ipam.Consensus;

/// <summary>
/// Everything one participant knows of every elector's claims. This is both the gossip message and
/// the persisted record: receivers join it into their own, so delivery order, duplication and
/// relaying by third parties cannot confuse anyone.
/// </summary>
public sealed class PaxosState : IEquatable<PaxosState>, IEnumerable<KeyValuePair<PeerName, NodeClaims>>
{
    public static readonly PaxosState Empty = new(ImmutableSortedDictionary<PeerName, NodeClaims>.Empty);

    // Sorted so that every walk over the map, and hence every decision, is deterministic.
    private readonly ImmutableSortedDictionary<PeerName, NodeClaims> _claims;

    private PaxosState(ImmutableSortedDictionary<PeerName, NodeClaims> claims) => _claims = claims;

    /// <summary>Builds a state from entries, joining any that name the same node.</summary>
    public static PaxosState From(IEnumerable<KeyValuePair<PeerName, NodeClaims>> entries)
    {
        var state = Empty;
        foreach (var (node, claims) in entries)
            state = state.Merge(node, claims);
        return state;
    }

    public int Count => _claims.Count;

    public IEnumerable<PeerName> Nodes => _claims.Keys;

    public bool Contains(PeerName node) => _claims.ContainsKey(node);

    /// <summary>The claims known for <paramref name="node"/>, or <see cref="NodeClaims.None"/> if it is unknown.</summary>
    public NodeClaims ClaimsOf(PeerName node) => _claims.TryGetValue(node, out var c) ? c : NodeClaims.None;

    /// <summary>The highest round anyone has promised or accepted, so a new proposal can outbid them all.</summary>
    public ulong HighestRound() =>
        _claims.Values.Aggregate(0UL, (max, c) => Math.Max(max, Math.Max(c.Promise.Round, c.AcceptedId.Round)));

    /// <summary>The join of two states. Returns this very instance when <paramref name="other"/> adds nothing.</summary>
    public PaxosState Merge(PaxosState other)
    {
        var result = this;
        foreach (var (node, claims) in other._claims)
            result = result.Merge(node, claims);
        return result;
    }

    public PaxosState Merge(PeerName node, NodeClaims claims)
    {
        if (!_claims.TryGetValue(node, out var known))
            return new PaxosState(_claims.Add(node, claims));
        var joined = NodeClaims.Join(known, claims);
        return joined.Equals(known) ? this : new PaxosState(_claims.SetItem(node, joined));
    }

    /// <summary>Replaces a node's claims outright; only a node's own (monotonic) claims are written this way.</summary>
    internal PaxosState With(PeerName node, NodeClaims claims) => new(_claims.SetItem(node, claims));

    public bool Equals(PaxosState? other) =>
        other is not null && (ReferenceEquals(this, other) ||
            (Count == other.Count && _claims.All(kv => other._claims.TryGetValue(kv.Key, out var c) && c.Equals(kv.Value))));

    public override bool Equals(object? obj) => Equals(obj as PaxosState);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var (node, claims) in _claims)
        {
            hash.Add(node);
            hash.Add(claims);
        }
        return hash.ToHashCode();
    }

    public IEnumerator<KeyValuePair<PeerName, NodeClaims>> GetEnumerator() => _claims.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => string.Join("; ", _claims.Select(kv => $"{kv.Key}: {kv.Value}"));
}
