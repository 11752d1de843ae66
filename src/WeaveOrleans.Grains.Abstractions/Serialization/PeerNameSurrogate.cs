using WeaveOrleans.Ipam.Peers;

namespace WeaveOrleans.Grains.Serialization;

/// <summary>How an engine <see cref="PeerName"/> crosses the grain boundary: its 48 bits.</summary>
[GenerateSerializer, Immutable]
public readonly struct PeerNameSurrogate
{
    [Id(0)] public ulong Value { get; init; }
}

[RegisterConverter]
public sealed class PeerNameSurrogateConverter : IConverter<PeerName, PeerNameSurrogate>
{
    public PeerName ConvertFromSurrogate(in PeerNameSurrogate surrogate) => new(surrogate.Value);

    public PeerNameSurrogate ConvertToSurrogate(in PeerName value) => new() { Value = value.Value };
}
