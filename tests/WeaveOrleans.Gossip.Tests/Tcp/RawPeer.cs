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

    public static async Task<RawPeer> ConnectAsync(int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
        return new RawPeer(socket);
    }

    /// <summary>Completes a genuine handshake as <paramref name="name"/>, then does whatever the test says.</summary>
    public static async Task<RawPeer> HandshakeAsync(int port, PeerName name)
    {
        var peer = await ConnectAsync(port);
        var handshake = new Handshake(name, 1, "raw", null, WireProtocol.Version, new TransportStats());
        using var cts = new CancellationTokenSource(EventProbe.Deadline);
        await handshake.RunAsync(peer.Stream, [], cts.Token);
        return peer;
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
