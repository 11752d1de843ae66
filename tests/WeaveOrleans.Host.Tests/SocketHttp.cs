using System.Net.Sockets;

namespace WeaveOrleans.Host.Tests;

/// <summary>An HttpClient for a daemon's unix socket (&lt;data-dir&gt;/weave.sock): reachable from the test's own namespace without any route into the daemon's.</summary>
internal static class SocketHttp
{
    public static HttpClient For(string socketPath, TimeSpan timeout)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = TimeSpan.FromSeconds(2),
            // A restarted daemon is a new listener: never reuse a connection for long.
            PooledConnectionLifetime = TimeSpan.FromSeconds(5),
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
        return new HttpClient(handler) { BaseAddress = new Uri("http://localhost/"), Timeout = timeout };
    }
}
