using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using WeaveOrleans.Gossip.Tcp;
using static WeaveOrleans.TestSupport.TestPeers;
using static WeaveOrleans.TestSupport.TestText;

namespace WeaveOrleans.Gossip.Tests.Tcp;

/// <summary>The counts behind <c>weave_connections{state}</c> and <c>weave_connection_terminations_total</c>.</summary>
public sealed class ConnectionStateTests
{
    [Fact]
    public async Task A_target_nobody_listens_on_is_failed_never_established()
    {
        await using var a = await TcpNode.StartAsync(A);
        a.Transport.Connect($"127.0.0.1:{UnusedPort()}");

        // Between its quick redials (retrying) the target waits out the back-off: Weave calls that failed.
        Assert.Equal(new ConnectionCounts(0, Failed: 1), await Until(a, c => c.Failed == 1));
    }

    [Fact]
    public async Task A_dialled_socket_that_never_answers_the_handshake_is_pending()
    {
        using var silent = new Socket(SocketType.Stream, ProtocolType.Tcp);
        silent.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        silent.Listen(4); // the kernel completes the connection; nobody ever reads or writes
        await using var a = await TcpNode.StartAsync(A);
        a.Transport.Connect($"127.0.0.1:{((IPEndPoint)silent.LocalEndPoint!).Port}");

        Assert.Equal(new ConnectionCounts(0, Pending: 1), await Until(a, c => c.Pending == 1));
    }

    [Fact]
    public async Task A_target_whose_dial_hangs_is_connecting_at_first_and_retrying_after_a_failure()
    {
        // A listener whose accept queue is full: the kernel drops further connection attempts, so a dial
        // hangs until the transport's connect timeout.
        using var full = new Socket(SocketType.Stream, ProtocolType.Tcp);
        full.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        full.Listen(0);
        var target = (IPEndPoint)full.LocalEndPoint!;
        var fillers = new List<Socket>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                var filler = new Socket(SocketType.Stream, ProtocolType.Tcp) { Blocking = false };
                fillers.Add(filler);
                try { filler.Connect(target); } catch (SocketException) { } // in progress
            }
            var options = TcpNode.Options();
            await using var a = await TcpNode.StartAsync(A, new TcpPeerTransportOptions
            {
                ListenEndPoint = options.ListenEndPoint,
                Nickname = options.Nickname,
                InitialBackoff = TimeSpan.FromMilliseconds(50),
                MaxBackoff = TimeSpan.FromMilliseconds(100),
                ConnectTimeout = TimeSpan.FromMilliseconds(700),
            });
            a.Transport.Connect($"127.0.0.1:{target.Port}");

            Assert.Equal(new ConnectionCounts(0, Connecting: 1), await Until(a, c => c.Connecting == 1));
            Assert.Equal(new ConnectionCounts(0, Retrying: 1), await Until(a, c => c.Retrying == 1));
        }
        finally
        {
            foreach (var filler in fillers)
                filler.Dispose();
        }
    }

    [Fact]
    public async Task A_dropped_peer_counts_one_termination_and_its_target_retries_until_it_is_back()
    {
        await using var a = await TcpNode.StartAsync(A);
        var b = await TcpNode.StartAsync(B);
        var port = b.Port;
        a.Transport.Connect(b.Address);
        await a.Events.WaitFor<PeerConnected>(e => e.Peer == B);
        Assert.Equal(new ConnectionCounts(1), await Until(a, c => c.Established == 1 && c.Pending == 0));
        Assert.Equal(new ConnectionCounts(1), await Until(b, c => c.Established == 1 && c.Pending == 0));

        await b.DisposeAsync();
        await a.Events.WaitFor<PeerDisconnected>(e => e.Peer == B);
        var down = await Until(a, c => c.Failed + c.Retrying == 1);
        Assert.Equal((0, 0, 1L), (down.Established, down.Connecting, down.Terminations));

        await using var b2 = await TcpNode.StartAsync(B, port: port);
        await a.Events.WaitFor<PeerConnected>(e => e.Peer == B);
        Assert.Equal(new ConnectionCounts(1, Terminations: 1), await Until(a, c => c.Established == 1 && c.Failed + c.Retrying + c.Pending == 0));
    }

    private static async Task<ConnectionCounts> Until(TcpNode node, Func<ConnectionCounts, bool> done)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var counts = node.Transport.Connections;
            if (done(counts))
                return counts;
            if (deadline.Elapsed > EventProbe.Deadline)
                throw new TimeoutException($"connection counts stayed {counts}");
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
