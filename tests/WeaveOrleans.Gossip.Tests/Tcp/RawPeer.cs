using System.Net;
using System.Net.Sockets;
using WeaveOrleans.Gossip.Tcp;
using WeaveOrleans.Ipam.Peers;

namespace WeaveOrleans.Gossip.Tests.Tcp;

/// <summary>A hand-driven client socket on loopback, for peers that misbehave on purpose.</summary>
internal sealed class RawPeer : IDisposable
{
    private RawPeer(Socket socket)
    {
        Socket = socket;
        Stream = new NetworkStream(socket, ownsSocket: false);
    }

    public Socket Socket { get; }
    public NetworkStream Stream { get; }

    /// <param name="from">A loopback source address (any of 127.0.0.0/8 on Linux), to look like another host.</param>
    public static async Task<RawPeer> ConnectAsync(int port, IPAddress? from = null)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (from is not null)
                socket.Bind(new IPEndPoint(from, 0));
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        return new RawPeer(socket);
    }

    /// <summary>Completes a genuine handshake as <paramref name="name"/>, then does whatever the test says.</summary>
    public static async Task<RawPeer> HandshakeAsync(int port, PeerName name, IReadOnlyList<string>? addresses = null) =>
        (await HandshakeWithHelloAsync(port, name, addresses)).Peer;

    /// <summary>As <see cref="HandshakeAsync"/>, also returning what the other side said about itself.</summary>
    public static async Task<(RawPeer Peer, Hello Theirs)> HandshakeWithHelloAsync(int port, PeerName name, IReadOnlyList<string>? addresses = null, IPAddress? from = null)
    {
        var peer = await ConnectAsync(port, from);
        var handshake = new Handshake(name, 1, "raw", null, WireProtocol.Version, new TransportStats());
        using var cts = new CancellationTokenSource(EventProbe.Deadline);
        var theirs = await handshake.RunAsync(peer.Stream, addresses ?? [], dialled: true, cts.Token);
        return (peer, theirs);
    }

    /// <summary>Everything the other side sends until it closes (bounded by the deadline).</summary>
    public async Task<byte[]> ReadToCloseAsync()
    {
        using var cts = new CancellationTokenSource(EventProbe.Deadline);
        var all = new MemoryStream();
        var buffer = new byte[4096];
        try
        {
            int n;
            while ((n = await Stream.ReadAsync(buffer, cts.Token)) > 0)
                all.Write(buffer, 0, n);
        }
        catch (IOException)
        {
        }
        return all.ToArray();
    }

    public async Task SendAsync(byte[] bytes) => await Stream.WriteAsync(bytes);

    /// <summary>Reads until the other side closes; true if it did so within the deadline.</summary>
    public async Task<bool> ClosedByRemoteAsync()
    {
        using var cts = new CancellationTokenSource(EventProbe.Deadline);
        var buffer = new byte[4096];
        try
        {
            while (await Stream.ReadAsync(buffer, cts.Token) > 0) { }
            return true;
        }
        catch (IOException)
        {
            return true; // a reset is a close too
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        Stream.Dispose();
        Socket.Dispose();
    }
}
