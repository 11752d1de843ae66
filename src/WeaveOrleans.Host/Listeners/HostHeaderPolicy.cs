using System.Net;

namespace WeaveOrleans.Host.Listeners;

/// <summary>
/// Which <c>Host</c> header values a TCP listener accepts, against DNS rebinding: a page in a
/// browser on this host that rebinds its own name to 127.0.0.1 still sends that name. IP literals,
/// <c>localhost</c> (and <c>*.localhost</c>, which browsers resolve to loopback themselves) and the
/// names configured with <c>--allowed-hosts</c> are accepted; nothing else.
/// </summary>
public sealed class HostHeaderPolicy(IReadOnlyCollection<string> allowedNames)
{
    public bool Accepts(string? hostHeader)
    {
        // No Host header at all (HTTP/1.0) never comes from a browser.
        if (string.IsNullOrEmpty(hostHeader))
            return true;
        var host = StripPort(hostHeader.Trim()).ToLowerInvariant();
        if (host.StartsWith('[') && host.EndsWith(']'))
            return IPAddress.TryParse(host[1..^1], out _);
        if (IPAddress.TryParse(host, out var address) && address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork)
            return true;
        var name = host.TrimEnd('.');
        return name == "localhost" || name.EndsWith(".localhost", StringComparison.Ordinal) || allowedNames.Contains(name);
    }

    private static string StripPort(string host)
    {
        if (host.StartsWith('['))
        {
            var close = host.IndexOf(']', StringComparison.Ordinal);
            return close < 0 ? host : host[..(close + 1)];
        }
        var colon = host.LastIndexOf(':');
        return colon >= 0 && host.IndexOf(':') == colon ? host[..colon] : host;
    }
}
