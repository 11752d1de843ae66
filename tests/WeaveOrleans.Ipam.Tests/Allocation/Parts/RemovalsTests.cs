using WeaveOrleans.Ipam.Allocation;
using WeaveOrleans.Ipam.Peers;
using static WeaveOrleans.TestSupport.TestAddresses;
using static WeaveOrleans.TestSupport.TestPeers;

namespace WeaveOrleans.Ipam.Tests.Allocation.Parts;

public class RemovalsTests
{
    [Fact]
    public void Merge_keeps_the_lower_remover_and_reports_only_what_is_new()
    {
        var removals = new Removals(P(1));
        removals.Record(P(5), P(3));
        removals.TakeDirty();

        var changed = removals.Merge(new Dictionary<PeerName, PeerName> { [P(5)] = P(4), [P(6)] = P(2) });
        Assert.Equal([(P(6), default(PeerName))], changed);
        Assert.Equal(P(3), removals.All[P(5)]);
        Assert.True(removals.TakeDirty());

        changed = removals.Merge(new Dictionary<PeerName, PeerName> { [P(5)] = P(2) });
        Assert.Equal([(P(5), P(3))], changed);
        Assert.Equal(P(2), removals.All[P(5)]);
    }

    [Fact]
    public void A_merge_with_nothing_new_is_not_a_change()
    {
        var removals = new Removals(P(1));
        removals.Record(P(5), P(3));
        removals.TakeDirty();
        Assert.Empty(removals.Merge(new Dictionary<PeerName, PeerName> { [P(5)] = P(3) }));
        Assert.False(removals.TakeDirty());
    }

    [Fact]
    public void Inheritance_follows_a_chain_of_removals()
    {
        var removals = new Removals(P(1));
        removals.Record(P(3), P(2));
        removals.Record(P(2), P(1));
        Assert.True(removals.InheritedBy(P(1), P(2)));
        Assert.True(removals.InheritedBy(P(1), P(3)));
        Assert.False(removals.InheritedBy(P(4), P(2)));
        Assert.Equal([P(3)], removals.InheritedBySelf(new HashSet<PeerName> { P(3), P(4) }));
    }

    [Fact]
    public void A_cycle_of_removals_does_not_loop()
    {
        var removals = new Removals(P(1));
        removals.Record(P(2), P(3));
        removals.Record(P(3), P(2));
        Assert.False(removals.InheritedBy(P(1), P(2)));
    }

    [Fact]
    public void Being_removed_is_persisted_state()
    {
        var removals = new Removals(P(1));
        removals.MarkSelfRemoved();
        Assert.True(removals.SelfRemoved);
        Assert.True(removals.TakeDirty());

        var restored = new Removals(P(1));
        restored.Restore([new(P(2), P(1))], selfRemoved: true);
        Assert.True(restored.SelfRemoved);
        Assert.True(restored.IsRemoved(P(2)));
        Assert.False(restored.TakeDirty());
    }
}
