using WeaveOrleans.Ipam.Addresses;

namespace WeaveOrleans.Grains.Serialization;

/// <summary>
/// How an engine <see cref="Address"/> crosses the grain boundary: its 128 bits as two halves, so the
/// engine stays free of Orleans and the wire form does not depend on a UInt128 codec.
/// </summary>
[GenerateSerializer, Immutable]
public readonly struct AddressSurrogate
{
    [Id(0)] public ulong Upper { get; init; }
    [Id(1)] public ulong Lower { get; init; }

    internal static AddressSurrogate From(Address address) =>
        new() { Upper = (ulong)(address.Value >> 64), Lower = (ulong)address.Value };

    internal Address ToAddress() => new(((UInt128)Upper << 64) | Lower);
}

[RegisterConverter]
public sealed class AddressSurrogateConverter : IConverter<Address, AddressSurrogate>
{
    public Address ConvertFromSurrogate(in AddressSurrogate surrogate) => surrogate.ToAddress();

    public AddressSurrogate ConvertToSurrogate(in Address value) => AddressSurrogate.From(value);
}
