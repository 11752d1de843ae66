using WeaveOrleans.Gossip.Tcp;
using static WeaveOrleans.TestSupport.TestPeers;

namespace WeaveOrleans.Gossip.Tests.Tcp;

public sealed class ConnectionLimitTests
{
    [Fact]
    public async Task A_peer_at_its_connection_limit_refuses_one_more_and_keeps_the_ones_it_has()
    {
        await using var a = await TcpNode.StartAsync(A, TcpNode.Options() with { ConnectionLimit = 1 });
        await using var b = await TcpNode.StartAsync(B);
        await using var c = await TcpNode.StartAsync(C);
        b.Transport.Connect(a.Address);
        await Until(() => a.Transport.ConnectedPeers.Count == 1, "b connects");

        c.Transport.Connect(a.Address);
        await Until(() => a.Log.Lines.Any(l => l.Contains("connection limit 1 reached")), "a refuses c");
        Assert.Equal([B], a.Transport.ConnectedPeers);
        Assert.True(a.Transport.Send(B, new byte[] { 1, 2, 3 }));
        Assert.False(a.Transport.Send(C, new byte[] { 1, 2, 3 }));
    }

    [Fact]
    public async Task A_peer_at_its_limit_rotates_its_oldest_connection_out_so_a_waiting_target_gets_the_slot()
    {
        await using var a = await TcpNode.StartAsync(A, TcpNode.Options() with
        {
            ConnectionLimit = 1,
            ConnectionRotationInterval = TimeSpan.FromMilliseconds(300),
            // Without the wake-up at rotation, a refused target would wait this long to dial again.
            InitialBackoff = TimeSpan.FromSeconds(60),
            MaxBackoff = TimeSpan.FromSeconds(60),
        });
        await using var b = await TcpNode.StartAsync(B);
        await using var c = await TcpNode.StartAsync(C);
        a.Transport.Connect(b.Address);
        a.Transport.Connect(c.Address);
        await Until(() => a.Transport.ConnectedPeers.Count == 1, "a connects to one of b and c");
        var first = a.Transport.ConnectedPeers.Single();

        await Until(() => a.Transport.ConnectedPeers.SequenceEqual([first == B ? C : B]), "the other one takes the slot");
        Assert.True(a.Transport.Rotations >= 1);
        Assert.True(a.Transport.ConnectedPeers.Count <= 1);
    }

    [Fact]
    public async Task Without_a_limit_every_peer_connects()
    {
        await using var a = await TcpNode.StartAsync(A);
        await using var b = await TcpNode.StartAsync(B);
        await using var c = await TcpNode.StartAsync(C);
        b.Transport.Connect(a.Address);
        c.Transport.Connect(a.Address);
        await Until(() => a.Transport.ConnectedPeers.Count == 2, "b and c connect");
    }

    private static async Task Until(Func<bool> done, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!done())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting until {what}");
            await Task.Delay(20);
        }
    }
}
