namespace WeaveOrleans.Cni;

/// <summary>
/// The daemon-side name of what this plugin holds addresses for: <c>cni:NETWORK:CONTAINERID:IFNAME</c> for an
/// attachment, <c>cni:NETWORK:gateway</c> for a network's gateway on this host. The <c>cni:</c> prefix and the
/// network name keep GC to this plugin's own allocations on this network (never Docker's, the CLI's or another
/// network's). ':' separates safely: the spec forbids it in network names and container IDs, and Linux in
/// interface names. The ident is escaped into one URL path segment by <see cref="DaemonClient"/>.
/// </summary>
internal static class AttachmentIdent
{
    private const string Prefix = "cni:";
    private const string GatewaySuffix = "gateway";

    /// <summary>The daemon's longest ident (its RequestInput.MaxIdentLength).</summary>
    public const int MaxLength = 256;

    public static string For(string network, string containerId, string ifName) => $"{Prefix}{network}:{containerId}:{ifName}";

    public static string GatewayFor(string network) => $"{Prefix}{network}:{GatewaySuffix}";

    /// <summary>The container ID and interface name of an attachment ident of <paramref name="network"/>; null for anything else.</summary>
    public static (string ContainerId, string IfName)? ParseAttachment(string ident, string network)
    {
        var start = $"{Prefix}{network}:";
        if (!ident.StartsWith(start, StringComparison.Ordinal))
            return null;
        var rest = ident.AsSpan(start.Length);
        var colon = rest.IndexOf(':');
        if (colon <= 0 || colon == rest.Length - 1 || rest[(colon + 1)..].Contains(':'))
            return null;
        return (rest[..colon].ToString(), rest[(colon + 1)..].ToString());
    }
}
