using WeaveOrleans.Ipam.Addresses;
using WeaveOrleans.Ipam.Peers;

namespace WeaveOrleans.Grains;

/// <summary>
/// How a call ended, as plain values that cross the grain boundary: <see cref="TakenOver"/> for rmpeer,
/// <see cref="Heir"/> for a reset (none when it had reset already). Front-ends word them (IpamText).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record IpamReply(
    [property: Id(0)] IpamReplyKind Kind,
    [property: Id(1)] Cidr? Address = null,
    [property: Id(3)] string? Error = null,
    [property: Id(4)] UInt128? TakenOver = null,
    [property: Id(5)] PeerName? Heir = null)
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
