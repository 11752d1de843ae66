using System.Collections.Immutable;
using WeaveOrleans.Ipam.Addresses;
using WeaveOrleans.Ipam.Allocation;
using WeaveOrleans.Ipam.Encoding;
using WeaveOrleans.Ipam.Peers;
using WeaveOrleans.Ipam.Rings;
using WeaveOrleans.Ipam.Snapshots;

namespace WeaveOrleans.Ipam.Tests.Snapshots;

public class DurableSnapshotTests
{
    private static readonly AllocatorSnapshot Before = SnapshotPartsTests.Sample();

    private static DurableSnapshot HandedOut(AllocatorSnapshot snapshot)
    {
        var durable = new DurableSnapshot();
        Assert.True(durable.Change(snapshot).Whole);
        return durable;
    }

    [Fact]
    public void The_first_change_is_the_whole_snapshot()
    {
        var durable = new DurableSnapshot();
        Assert.True(durable.NothingHandedOut);
        var change = durable.Change(Before);
        Assert.True(change.Whole);
        Assert.Empty(change.Removed);
        Assert.Equal(SnapshotCodec.Encode(Before), SnapshotCodec.Encode(SnapshotParts.Assemble(change.Written)!));
        Assert.False(durable.NothingHandedOut);
    }

    [Fact]
    public void The_same_snapshot_again_changes_nothing_even_when_rebuilt()
    {
        var durable = HandedOut(Before);
        var rebuilt = SnapshotParts.Assemble(SnapshotParts.Split(Before))!;
        Assert.True(durable.Change(rebuilt).IsEmpty);
    }

    [Fact]
    public void A_new_free_count_on_one_entry_writes_that_entry_alone()
    {
        var durable = HandedOut(Before);
        var entries = Before.Ring!.Entries;
        var after = Before with { Ring = Before.Ring with { Entries = entries.SetItem(1, entries[1] with { Version = 3, Free = 49 }) } };

        var change = durable.Change(after);

        Assert.False(change.Whole);
        Assert.Equal([new RingEntryPart(entries[1] with { Version = 3, Free = 49 })], change.Written);
        Assert.Empty(change.Removed);
    }

    [Fact]
    public void A_nickname_learnt_writes_that_nickname_alone()
    {
        var durable = HandedOut(Before);
        var change = durable.Change(Before with { Nicknames = Before.Nicknames.Add(new PeerName(0x0D), "host-d") });
        Assert.Equal([new NicknamePart(new PeerName(0x0D), "host-d")], change.Written);
    }

    [Fact]
    public void A_part_that_is_gone_is_removed()
    {
        var durable = HandedOut(Before with { Paxos = Ipam.Consensus.PaxosState.Empty, Ring = null });
        var change = durable.Change(Before);
        Assert.Contains(new PartKey(PartKind.Consensus), change.Removed);
        Assert.Contains(change.Written, p => p is RingPart);
        Assert.Equal(2, change.Written.Count(p => p is RingEntryPart));
    }

    [Fact]
    public void Being_removed_from_the_network_rewrites_the_header()
    {
        var durable = HandedOut(Before);
        var change = durable.Change(Before with { RemovedFromNetwork = true });
        Assert.Equal([new HeaderPart(Before.Self, Before.Nickname, Before.Range, true)], change.Written);
    }

    [Fact]
    public void A_confirmation_that_changes_a_quarantine_rewrites_it()
    {
        var range = new AddressRange(Address.Parse("10.0.0.0"), Address.Parse("10.0.0.8"));
        var durable = HandedOut(Before with { Quarantine = [new Quarantine(range, [new PeerName(1), new PeerName(2)])] });
        Assert.True(durable.Change(Before with { Quarantine = [new Quarantine(range, [new PeerName(2), new PeerName(1)])] }).IsEmpty);
        var change = durable.Change(Before with { Quarantine = [new Quarantine(range, [new PeerName(2)])] });
        Assert.Single(change.Written, p => p is QuarantinePart);
        Assert.Equal([new PartKey(PartKind.Quarantine)], durable.Change(Before).Removed);
    }
}
