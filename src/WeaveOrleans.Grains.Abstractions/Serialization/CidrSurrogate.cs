using WeaveOrleans.Ipam.Addresses;

namespace WeaveOrleans.Grains.Serialization;

/// <summary>How an engine <see cref="Cidr"/> crosses the grain boundary: address and prefix length, host bits kept.</summary>
[GenerateSerializer, Immutable]
public readonly struct CidrSurrogate
{
    [Id(0)] public AddressSurrogate Address { get; init; }
    [Id(1)] public int PrefixLength { get; init; }
}

[RegisterConverter]
public sealed class CidrSurrogateConverter : IConverter<Cidr, CidrSurrogate>
{
    public Cidr ConvertFromSurrogate(in CidrSurrogate surrogate) => new(surrogate.Address.ToAddress(), surrogate.PrefixLength);

    public CidrSurrogate ConvertToSurrogate(in Cidr value) =>
        new() { Address = AddressSurrogate.From(value.Address), PrefixLength = value.PrefixLength };
}
