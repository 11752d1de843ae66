using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using WeaveOrleans.Gossip.Tcp;
using static WeaveOrleans.TestSupport.TestPeers;
using static WeaveOrleans.TestSupport.TestText;

namespace WeaveOrleans.Gossip.Tests.Tcp;

/// <summary>Targets added and forgotten at run time, discovery switched off, and the connection list behind <c>/status/connections</c>.</summary>
public sealed class TargetTests
{
    [Fact]
    public async Task A_failed_target_is_listed_with_its_error_and_retry_time_and_forgetting_it_ends_its_dial_loop()
    {
        await using var a = await TcpNode.StartAsync(A);
        var target = $"127.0.0.1:{UnusedPort()}";
        a.Transport.Connect(target);

        var failed = await Until(a, () => a.Transport.ConnectionList.SingleOrDefault(e => e.State == "failed" && e.Error is not null));
        Assert.Equal(target, failed.Address);
        Assert.True(failed.Outbound);
        Assert.Contains("refused", failed.Error, StringComparison.OrdinalIgnoreCase);
        Assert.NotNull(failed.RetryAt);
        Assert.Equal([target], a.Transport.ConfiguredTargets);

        Assert.True(a.Transport.Forget(target));
        Assert.False(a.Transport.Forget(target));
        Assert.Empty(a.Transport.ConfiguredTargets);
        Assert.Empty(a.Transport.ConnectionList);
        await Until(a, () => a.Transport.DialLoops == 0 ? "ended" : null);
        Assert.Equal(new ConnectionCounts(0), a.Transport.Connections);
    }

    [Fact]
    public async Task Forgetting_a_connected_peer_keeps_the_connection_and_lists_it_as_established()
    {
        await using var a = await TcpNode.StartAsync(A);
        var b = await TcpNode.StartAsync(B);
        a.Transport.Connect(b.Address);
        await a.Events.WaitFor<PeerConnected>(e => e.Peer == B);

        Assert.True(a.Transport.Forget(b.Address));
        var entry = Assert.Single(a.Transport.ConnectionList);
        Assert.Equal(("established", B, "test"), (entry.State, entry.Peer!.Value, entry.Nickname));
        Assert.Contains(B, a.Transport.ConnectedPeers);

        // Once the connection drops, the forgotten address is not dialled again: its loop ends.
        await b.DisposeAsync();
        await a.Events.WaitFor<PeerDisconnected>(e => e.Peer == B);
        await Until(a, () => a.Transport.DialLoops == 0 ? "ended" : null);
        Assert.Empty(a.Transport.ConnectionList);
    }

    [Fact]
    public async Task With_discovery_off_learned_addresses_are_not_dialled()
    {
        var options = TcpNode.Options() with { PeerDiscovery = false };
        await using var off = await TcpNode.StartAsync(A, options);
        await using var on = await TcpNode.StartAsync(B);
        var learned = $"127.0.0.1:{UnusedPort()}";

        off.Transport.ConnectLearned(learned);
        on.Transport.ConnectLearned(learned);

        Assert.Empty(off.Transport.DialTargets);
        Assert.Equal([learned], on.Transport.DialTargets);
    }

    private static async Task<T> Until<T>(TcpNode node, Func<T?> probe) where T : class
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (probe() is { } value)
                return value;
            if (deadline.Elapsed > EventProbe.Deadline)
                throw new TimeoutException($"{node.Name}: condition not met; list: {string.Join(", ", node.Transport.ConnectionList)}");
            await Task.Delay(10);
        }
    }

    private static int UnusedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
