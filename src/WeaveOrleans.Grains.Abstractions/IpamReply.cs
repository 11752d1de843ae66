using WeaveOrleans.Ipam.Addresses;

namespace WeaveOrleans.Grains;

/// <summary>How a call ended, as plain values that cross the grain boundary.</summary>
[GenerateSerializer, Immutable]
public sealed record IpamReply(
    [property: Id(0)] IpamReplyKind Kind,
    [property: Id(1)] Cidr? Address = null,
    [property: Id(2)] string? Text = null,
    [property: Id(3)] string? Error = null)
{
    public bool IsOk => Kind == IpamReplyKind.Ok;
}

public enum IpamReplyKind
{
    Ok,
    Failed,
    Cancelled,
}

[GenerateSerializer, Immutable]
public sealed record OwnedEntry(
    [property: Id(0)] string Ident,
    [property: Id(1)] bool IsContainer,
    [property: Id(2)] Cidr[] Addresses);
