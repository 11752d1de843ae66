using System.Net.Sockets;

namespace WeaveOrleans.Contract;

/// <summary>
/// HTTP to the daemon's unix socket (<c>&lt;data-dir&gt;/weave.sock</c>), the way every client in other network
/// namespaces reaches it: the CLI, the CNI plugin and the tests.
/// </summary>
public static class UnixSocketHttp
{
    /// <summary>The host part of request URIs; the socket, not this name, decides where a request goes.</summary>
    public static readonly Uri BaseAddress = new("http://localhost/");

    /// <summary>A handler whose every connection is to <paramref name="socketPath"/>; callers add their own timeouts.</summary>
    public static SocketsHttpHandler Handler(string socketPath) => new()
    {
        UseProxy = false,
        ConnectCallback = async (_, cancellation) =>
        {
            var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            try
            {
                await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancellation);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };
}
