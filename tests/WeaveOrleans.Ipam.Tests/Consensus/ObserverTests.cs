using WeaveOrleans.Ipam.Consensus;
using WeaveOrleans.Ipam.Peers;
using static WeaveOrleans.TestSupport.TestPeers;

namespace WeaveOrleans.Ipam.Tests.Consensus;

public class ObserverTests
{
    private static void Deliver(Participant from, Participant to)
    {
        if (to.Update(from.State))
            to.Think();
    }

    [Fact]
    public void An_observer_never_proposes_nor_claims_anything()
    {
        var o = new Observer(O, quorum: 1);

        Assert.False(o.Propose());
        Assert.False(o.Think());
        Assert.Equal(NodeClaims.None, o.OwnClaims);
        Assert.Empty(o.KnownNodes);
        Assert.False(o.State.Contains(O));
    }

    [Fact]
    public void An_observer_learns_the_decision_but_is_not_in_the_decided_set()
    {
        var a = new Elector(A, quorum: 2);
        var b = new Elector(B, quorum: 2);
        var o = new Observer(O, quorum: 2);
        a.Propose();
        // The observer sits between the electors and relays; it must not be counted nor picked.
        Deliver(a, o);
        Deliver(o, b);
        Deliver(b, o);
        Deliver(o, a);
        Deliver(a, o);
        Deliver(o, b);
        Deliver(b, o);

        Assert.True(o.TryGetConsensus(out var value));
        Assert.Equal<PeerName>([A, B], value.Peers);
        Assert.DoesNotContain(O, a.KnownNodes);
        Assert.DoesNotContain(O, b.KnownNodes);
        Assert.False(o.State.Contains(O));
    }

    [Fact]
    public void An_observer_does_not_make_up_a_missing_vote()
    {
        var a = new Elector(A, quorum: 2);
        var o = new Observer(O, quorum: 2);
        a.Propose();

        Deliver(a, o);
        Deliver(o, a);

        Assert.False(a.OwnClaims.HasAccepted);
        Assert.False(o.TryGetConsensus(out _));
    }

    [Fact]
    public void An_observer_appears_in_the_decided_set_only_if_electors_knew_it_as_an_elector()
    {
        // The same name was gossiped by an elector under that name (say, before it was demoted).
        var a = new Elector(A, quorum: 1);
        a.Update(PaxosState.From([new(O, NodeClaims.None)]));
        a.Propose();
        var o = new Observer(O, quorum: 1);

        Deliver(a, o);

        Assert.True(o.TryGetConsensus(out var value));
        Assert.Equal<PeerName>([A, O], value.Peers);
    }

    [Fact]
    public void A_restored_observer_keeps_what_it_learned()
    {
        var a = new Elector(A, quorum: 1);
        a.Propose();
        var o = new Observer(O, quorum: 1);
        Deliver(a, o);

        var restored = Observer.Restore(O, 1, o.State);

        Assert.True(restored.TryGetConsensus(out var value));
        Assert.Equal<PeerName>([A], value.Peers);
    }
}
