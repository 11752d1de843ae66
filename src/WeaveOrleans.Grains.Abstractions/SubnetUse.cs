namespace WeaveOrleans.Grains;

/// <summary>
/// One subnet this peer allocates in (the default subnet, and every other one it holds an address
/// of): how many addresses it has for hosts and how many this peer holds in it.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record SubnetUse(
    [property: Id(0)] string Subnet,
    [property: Id(1)] string Size,
    [property: Id(2)] int Held);
