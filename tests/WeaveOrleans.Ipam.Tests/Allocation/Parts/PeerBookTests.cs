using WeaveOrleans.Ipam.Allocation;
using WeaveOrleans.Ipam.Peers;
using static WeaveOrleans.TestSupport.TestAddresses;
using static WeaveOrleans.TestSupport.TestPeers;

namespace WeaveOrleans.Ipam.Tests.Allocation.Parts;

public class PeerBookTests
{
    [Fact]
    public void Learning_a_new_nickname_marks_the_book_dirty_once()
    {
        var book = new PeerBook(P(1), "one");
        Assert.False(book.TakeDirty());

        Assert.True(book.Learn([new(P(2), "two")]));
        Assert.True(book.TakeDirty());
        Assert.False(book.TakeDirty());

        Assert.False(book.Learn([new(P(2), "two")]));
        Assert.False(book.TakeDirty());
    }

    [Fact]
    public void This_peers_own_nickname_is_never_overwritten()
    {
        var book = new PeerBook(P(1), "one");
        Assert.False(book.Learn([new(P(1), "impostor")]));
        book.Restore([new(P(1), "impostor")]);
        Assert.Equal("one", book.NicknameOf(P(1)));
    }

    [Fact]
    public void Restored_nicknames_are_not_a_change()
    {
        var book = new PeerBook(P(1), "one");
        book.Restore([new(P(2), "two")]);
        Assert.Equal("two", book.NicknameOf(P(2)));
        Assert.False(book.TakeDirty());
    }

    [Fact]
    public void Resolves_a_nickname_first_then_a_peer_name()
    {
        var book = new PeerBook(P(1), "one");
        book.Learn([new(P(2), "two")]);
        Assert.Equal(P(2), book.Resolve("two"));
        Assert.Equal(P(3), book.Resolve(P(3).ToString()));
        Assert.Null(book.Resolve("nobody"));
        Assert.Equal($"{P(2)}(two)", book.NameOf(P(2)));
    }

    [Fact]
    public void This_peer_is_always_reachable_and_never_connects_to_itself()
    {
        var book = new PeerBook(P(1), "one");
        Assert.True(book.IsReachable(P(1)));
        Assert.False(book.Connected(P(1)));
        Assert.True(book.Connected(P(2)));
        Assert.False(book.Connected(P(2)));
        book.Disconnected(P(2));
        Assert.False(book.IsReachable(P(2)));
        Assert.Empty(book.Reachable);
    }
}
