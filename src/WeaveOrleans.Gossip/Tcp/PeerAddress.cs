using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace WeaveOrleans.Gossip.Tcp;

/// <summary>"host:port" as users and peers write it, including "[v6]:port".</summary>
internal readonly record struct PeerAddress(string Host, int Port)
{
    public static bool TryParse(string? text, out PeerAddress address)
    {
        address = default;
        if (string.IsNullOrWhiteSpace(text)) return false;
        text = text.Trim();
        var colon = text.LastIndexOf(':');
        if (colon <= 0 || colon == text.Length - 1) return false;
        var host = text[..colon];
        if (host.StartsWith('[') && host.EndsWith(']')) host = host[1..^1];
        else if (host.Contains(':')) return false; // a bare v6 address is ambiguous without brackets
        if (!int.TryParse(text[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port)
            || port is < 1 or > 65535 || host.Length == 0)
            return false;
        address = new PeerAddress(host, port);
        return true;
    }

    /// <summary>The address a peer can be dialled at: the IP it connected from plus the port it says it listens on.</summary>
    public static string Format(IPAddress ip, int port)
    {
        if (ip.IsIPv4MappedToIPv6) ip = ip.MapToIPv4();
        return new IPEndPoint(ip, port).ToString();
    }

    public static string Describe(Socket socket) =>
        socket.RemoteEndPoint is IPEndPoint ep ? Format(ep.Address, ep.Port) : "unknown";
}
