using WeaveOrleans.Ipam.Addresses;
using WeaveOrleans.Ipam.Allocation;
using WeaveOrleans.Ipam.Snapshots;
using WeaveOrleans.Simulation;

namespace WeaveOrleans.Ipam.Tests.Allocation;

/// <summary>What TakeEffects hands the driver to persist: the changed rows and the parts of the snapshot that changed.</summary>
public class EffectsTests
{
    private static readonly TimeSpan Now = TimeSpan.Zero;

    private static Allocator WithRing()
    {
        var allocator = new Allocator(Configs.Consensus("10.0.3.0/26", 1), PeerNetwork.Name(1), "one", new Random(1));
        allocator.Prime(1, Now);
        Assert.False(allocator.Ring.IsEmpty);
        allocator.TakeEffects();
        return allocator;
    }

    /// <summary>The snapshot a whole change carries.</summary>
    private static AllocatorSnapshot Whole(SnapshotChange? change)
    {
        Assert.NotNull(change);
        Assert.True(change.Whole);
        return SnapshotParts.Assemble(change.Written)!;
    }

    [Fact]
    public void A_new_engine_persists_its_snapshot_first_and_then_nothing_until_something_changes()
    {
        var allocator = new Allocator(Configs.Consensus("10.0.3.0/26", 3), PeerNetwork.Name(1), "one", new Random(1));
        var first = allocator.TakeEffects();
        Assert.Equal(PeerNetwork.Name(1), Whole(first.Snapshot).Self);
        Assert.Empty(first.Rows);

        var idle = allocator.TakeEffects();
        Assert.Null(idle.Snapshot);
        Assert.False(idle.ChangesState);
    }

    [Fact]
    public void A_host_restored_from_nothing_persists_its_snapshot_with_its_first_effects()
    {
        // Otherwise its first durable change could be a row alone, which the next start discards as
        // "No valid persisted data" (simulator seeds 7742, 9801).
        var allocator = Allocator.Restore(Configs.Observer("10.0.3.0/26"), PeerNetwork.Name(1), "one", new Random(1), null, new Dictionary<string, OwnedAddresses>());
        var first = allocator.TakeEffects();
        Assert.Equal(PeerNetwork.Name(1), Whole(first.Snapshot).Self);
        Assert.Null(allocator.TakeEffects().Snapshot);
    }

    [Fact]
    public void A_host_whose_persisted_data_is_discarded_persists_a_new_snapshot_and_deletes_the_rows()
    {
        var old = new Allocator(Configs.Observer("10.0.3.0/26"), PeerNetwork.Name(2), "other", new Random(1)).Snapshot();
        var rows = new Dictionary<string, OwnedAddresses> { ["c1"] = new(true, [Cidr.Parse("10.0.3.5/26")]) };
        var allocator = Allocator.Restore(Configs.Observer("10.0.3.0/26"), PeerNetwork.Name(1), "one", new Random(1), old, rows);
        var first = allocator.TakeEffects();
        Assert.Equal(PeerNetwork.Name(1), Whole(first.Snapshot).Self);
        Assert.Equal(("c1", (OwnedAddresses?)null), (first.Rows.Single().Key, first.Rows.Single().Value));
    }

    [Fact]
    public void A_host_restored_from_a_valid_snapshot_persists_it_again_with_its_first_effects_and_then_only_changes()
    {
        var before = new Allocator(Configs.Consensus("10.0.3.0/26", 1), PeerNetwork.Name(1), "one", new Random(1));
        before.Prime(1, Now);
        var allocator = Allocator.Restore(before.Config, before.Self, before.Nickname, new Random(1), before.Snapshot(), new Dictionary<string, OwnedAddresses>());
        Assert.Equal(before.Ring.Entries, Whole(allocator.TakeEffects().Snapshot).Ring!.Entries);
        Assert.Null(allocator.TakeEffects().Snapshot);
    }

    [Fact]
    public void An_allocation_carries_its_row_and_leaves_the_snapshot_alone()
    {
        var allocator = WithRing();
        allocator.Allocate(2, "c1", null, isContainer: true, Now);
        var effects = allocator.TakeEffects();
        var row = Assert.Single(effects.Rows);
        Assert.Equal("c1", row.Key);
        Assert.Equal([Cidr.Parse("10.0.3.1/26")], row.Value!.Cidrs.ToArray());
        Assert.Null(effects.Snapshot);
    }

    [Fact]
    public void A_delete_carries_the_row_as_gone()
    {
        var allocator = WithRing();
        allocator.Allocate(2, "c1", null, isContainer: true, Now);
        allocator.TakeEffects();
        allocator.Delete(4, "c1");
        var row = Assert.Single(allocator.TakeEffects().Rows);
        Assert.Equal(("c1", (OwnedAddresses?)null), (row.Key, row.Value));
    }

    [Fact]
    public void Creating_the_ring_carries_the_ring_and_its_entries_and_no_consensus_state()
    {
        var allocator = new Allocator(Configs.Consensus("10.0.3.0/26", 1), PeerNetwork.Name(1), "one", new Random(1));
        allocator.TakeEffects();
        allocator.Prime(1, Now);
        var change = allocator.TakeEffects().Snapshot;
        Assert.NotNull(change);
        Assert.False(change.Whole);
        Assert.Contains(change.Written, p => p is RingPart);
        Assert.Equal(allocator.Ring.Count, change.Written.Count(p => p is RingEntryPart));
        Assert.DoesNotContain(change.Written, p => p is ConsensusPart);
    }

    [Fact]
    public void A_tick_that_changes_the_advertised_free_count_persists_that_ring_entry_alone()
    {
        var allocator = WithRing();
        allocator.Allocate(2, "c1", null, isContainer: true, Now);
        allocator.TakeEffects();
        allocator.Tick(Now);
        var change = allocator.TakeEffects().Snapshot;
        Assert.NotNull(change);
        var entry = Assert.IsType<RingEntryPart>(Assert.Single(change.Written));
        Assert.Equal(allocator.Ring.Entries.Single(e => e.Token == entry.Entry.Token), entry.Entry);
        Assert.Empty(change.Removed);
        allocator.Tick(Now);
        Assert.Null(allocator.TakeEffects().Snapshot);
    }

    [Fact]
    public void What_the_effects_carried_restores_the_same_peer()
    {
        var allocator = WithRing();
        allocator.Allocate(2, "c1", null, isContainer: true, Now);
        allocator.Allocate(3, "c2", null, isContainer: false, Now);
        var effects = allocator.TakeEffects();
        var rows = effects.Rows.ToDictionary(kv => kv.Key, kv => kv.Value!);

        var restored = Allocator.Restore(allocator.Config, allocator.Self, "one", new Random(2), allocator.Snapshot(), rows);
        Assert.Equal(allocator.Ring.ToString(), restored.Ring.ToString());
        Assert.Equal(allocator.Owned.Keys.Order(), restored.Owned.Keys.Order());
        Assert.Empty(restored.TakeEffects().Rows);
    }

    [Fact]
    public void Commands_answered_at_once_complete_their_request_like_those_that_wait()
    {
        var allocator = WithRing();
        allocator.Free(7, "c1", Address.Parse("10.0.3.9"));
        allocator.Delete(8, "c1");
        allocator.RemovePeer(9, "nobody", Now);
        allocator.Shutdown(10, Now);
        var answers = allocator.TakeEffects().Completions.ToDictionary(c => c.RequestId, c => c.Outcome);
        Assert.Equal("Free: address 10.0.3.9 not found for c1", Assert.IsType<Outcome.Failed>(answers[7]).Message);
        Assert.Equal("Delete: no addresses for c1", Assert.IsType<Outcome.Failed>(answers[8]).Message);
        Assert.Equal(UInt128.Zero, Assert.IsType<Outcome.Ok>(answers[9]).TakenOver);
        Assert.Equal(Peers.PeerName.None, Assert.IsType<Outcome.Ok>(answers[10]).Heir);
    }

    [Fact]
    public void Rows_dropped_at_restore_are_carried_as_deletions()
    {
        var allocator = WithRing();
        var stored = new Dictionary<string, OwnedAddresses> { ["c1"] = new(true, [Cidr.Parse("10.0.3.1/26")]) };
        var otherPeer = allocator.Snapshot() with { Self = PeerNetwork.Name(9) };

        var restored = Allocator.Restore(allocator.Config, allocator.Self, "one", new Random(2), otherPeer, stored);
        var effects = restored.TakeEffects();
        var row = Assert.Single(effects.Rows);
        Assert.Equal(("c1", (OwnedAddresses?)null), (row.Key, row.Value));
        Assert.Equal(allocator.Self, Whole(effects.Snapshot).Self);
    }
}
