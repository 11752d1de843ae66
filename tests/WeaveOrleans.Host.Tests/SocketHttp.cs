using WeaveOrleans.Contract;

namespace WeaveOrleans.Host.Tests;

/// <summary>An HttpClient for a daemon's unix socket (&lt;data-dir&gt;/weave.sock): reachable from the test's own namespace without any route into the daemon's.</summary>
internal static class SocketHttp
{
    public static HttpClient For(string socketPath, TimeSpan timeout)
    {
        var handler = UnixSocketHttp.Handler(socketPath);
        handler.ConnectTimeout = TimeSpan.FromSeconds(2);
        // A restarted daemon is a new listener: never reuse a connection for long.
        handler.PooledConnectionLifetime = TimeSpan.FromSeconds(5);
        return new HttpClient(handler) { BaseAddress = UnixSocketHttp.BaseAddress, Timeout = timeout };
    }
}
