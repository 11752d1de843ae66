using System.Globalization;
using System.Net;

namespace WeaveOrleans.Host.Listeners;

/// <summary>
/// Where a listener binds: an IP endpoint, or a unix socket when the text is an absolute path
/// (Weave's convention for <c>--http-addr</c>).
/// </summary>
public sealed record ListenAddress
{
    /// <summary>sun_path is 108 bytes on Linux, including the terminating NUL.</summary>
    public const int MaxSocketPathBytes = 107;

    private ListenAddress(IPEndPoint? endPoint, string? socketPath) => (EndPoint, SocketPath) = (endPoint, socketPath);

    public IPEndPoint? EndPoint { get; }
    public string? SocketPath { get; }

    public bool IsSocket => SocketPath is not null;

    /// <summary>A unix socket, or an endpoint on a loopback address: reachable from this host only.</summary>
    public bool IsLocalOnly => IsSocket || IPAddress.IsLoopback(EndPoint!.Address);

    public static ListenAddress Tcp(IPEndPoint endPoint) => new(endPoint, null);

    /// <summary>Parses IP:port, or an absolute socket path where <paramref name="allowSocket"/>; throws <see cref="LaunchException"/>.</summary>
    public static ListenAddress Parse(string flag, string text, bool allowSocket)
    {
        if (text.StartsWith('/'))
        {
            if (!allowSocket)
                throw new LaunchException($"invalid {flag} \"{text}\": expected IP:port");
            var bytes = System.Text.Encoding.UTF8.GetByteCount(text);
            if (bytes > MaxSocketPathBytes)
                throw new LaunchException(string.Create(CultureInfo.InvariantCulture,
                    $"invalid {flag} \"{text}\": a unix socket path can be at most {MaxSocketPathBytes} bytes (this one is {bytes})"));
            return new ListenAddress(null, Path.GetFullPath(text));
        }
        if (IPEndPoint.TryParse(text, out var ep) && ep.Port > 0 && text.Contains(':', StringComparison.Ordinal))
            return new ListenAddress(ep, null);
        throw new LaunchException($"invalid {flag} \"{text}\": expected IP:port{(allowSocket ? " or an absolute unix socket path" : "")}");
    }

    public override string ToString() => SocketPath is { } path ? "unix:" + path : EndPoint!.ToString();
}
