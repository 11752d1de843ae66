using CsCheck;
using WeaveOrleans.Ipam.Consensus;
using WeaveOrleans.Ipam.Peers;

namespace WeaveOrleans.Ipam.Tests.Consensus;

/// <summary>
/// Gossip may be reordered, repeated and relayed, so merging must be a join: these laws are what
/// make every delivery order converge to the same knowledge.
/// </summary>
public class PaxosStateMergeProperties
{
    // A handful of names and rounds so that generated states collide on nodes and ballots often,
    // including the malformed case of two values under one ballot.
    private static readonly Gen<PeerName> Name = Gen.ULong[1, 4].Select(v => new PeerName(v));

    private static readonly Gen<ProposalId> Ballot =
        Gen.Select(Gen.ULong[0, 3], Name, (round, proposer) => round == 0 ? ProposalId.None : new ProposalId(round, proposer));

    private static readonly Gen<AcceptedValue?> Value =
        Gen.Select(Name.Array[0, 3], Name, Gen.Int[0, 3], (peers, origin, nullChance) =>
            nullChance == 0 ? null : new AcceptedValue(peers, origin));

    private static readonly Gen<NodeClaims> Claims =
        Gen.Select(Ballot, Ballot, Value, (promise, accepted, value) => new NodeClaims(promise, accepted, value));

    private static readonly Gen<PaxosState> State =
        Gen.Select(Name, Claims).Array[0, 5].Select(entries => PaxosState.From(entries.Select(e => KeyValuePair.Create(e.Item1, e.Item2))));

    [Fact]
    public void Merge_is_commutative() =>
        Gen.Select(State, State).Sample((x, y) => x.Merge(y).Equals(y.Merge(x)));

    [Fact]
    public void Merge_is_associative() =>
        Gen.Select(State, State, State).Sample((x, y, z) => x.Merge(y).Merge(z).Equals(x.Merge(y.Merge(z))));

    [Fact]
    public void Merge_is_idempotent() =>
        State.Sample(x => x.Merge(x).Equals(x));

    [Fact]
    public void Merge_never_forgets_a_node_nor_lowers_a_claim() =>
        Gen.Select(State, State).Sample((x, y) =>
        {
            var merged = x.Merge(y);
            return x.All(kv => merged.Contains(kv.Key)
                && merged.ClaimsOf(kv.Key).Promise >= kv.Value.Promise
                && merged.ClaimsOf(kv.Key).AcceptedId >= kv.Value.AcceptedId);
        });
}
