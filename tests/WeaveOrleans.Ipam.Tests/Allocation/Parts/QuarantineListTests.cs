using WeaveOrleans.Ipam.Allocation;
using WeaveOrleans.Ipam.Peers;
using static WeaveOrleans.TestSupport.TestAddresses;
using static WeaveOrleans.TestSupport.TestPeers;

namespace WeaveOrleans.Ipam.Tests.Allocation.Parts;

public class QuarantineListTests
{
    [Fact]
    public void A_range_is_released_when_the_last_peer_awaited_confirms()
    {
        var list = new QuarantineList();
        list.Add(C("10.0.0.0/25"), new HashSet<PeerName> { P(2), P(3) });
        Assert.True(list.TakeDirty());

        Assert.Empty(list.Confirm(P(2)));
        Assert.True(list.TakeDirty());
        Assert.Equal([P(3)], Assert.Single(list.Entries).Awaiting.ToArray());

        Assert.Equal([C("10.0.0.0/25")], list.Confirm(P(3)));
        Assert.Empty(list.Entries);
    }

    [Fact]
    public void A_confirmation_from_a_peer_not_awaited_is_not_a_change()
    {
        var list = new QuarantineList();
        list.Add(C("10.0.0.0/25"), new HashSet<PeerName> { P(2) });
        list.TakeDirty();
        Assert.Empty(list.Confirm(P(9)));
        Assert.False(list.TakeDirty());
    }

    [Fact]
    public void Restored_entries_are_not_a_change()
    {
        var list = new QuarantineList();
        list.Restore([new Quarantine(C("10.0.0.0/25"), [P(2)])]);
        Assert.Single(list.Entries);
        Assert.False(list.TakeDirty());
    }
}
