namespace WeaveOrleans.Cli;

/// <summary>
/// How a call to the daemon's HTTP API ended, as the CLI reads it: the body as the text it prints.
/// The CLI's own type, not the grain's: what crosses the grain carries parsed values, what crosses
/// HTTP is text.
/// </summary>
public sealed record DaemonReply(DaemonReplyKind Kind, string? Address = null, string? Text = null, string? Error = null)
{
    public bool IsOk => Kind == DaemonReplyKind.Ok;
}

public enum DaemonReplyKind
{
    Ok,
    Failed,
    Cancelled,
}

/// <summary>One ident of <c>GET /ip</c> with its addresses in CIDR form.</summary>
public sealed record OwnedAddresses(string Ident, bool IsContainer, string[] Addresses);
