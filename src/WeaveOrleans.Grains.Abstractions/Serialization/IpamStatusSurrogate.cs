using System.Text.Json;
using WeaveOrleans.Contract.Api;

namespace WeaveOrleans.Grains.Serialization;

/// <summary>
/// How the status crosses the grain boundary: as the JSON the HTTP API serves anyway. Its records live in
/// the Contract, which the CLI links without Orleans, so they carry no Orleans attributes of their own.
/// </summary>
[GenerateSerializer, Immutable]
public readonly struct IpamStatusSurrogate
{
    [Id(0)] public byte[] Json { get; init; }
}

[RegisterConverter]
public sealed class IpamStatusSurrogateConverter : IConverter<IpamStatus, IpamStatusSurrogate>
{
    public IpamStatus ConvertFromSurrogate(in IpamStatusSurrogate surrogate) =>
        JsonSerializer.Deserialize(surrogate.Json, StatusJsonContext.Default.IpamStatus)
        ?? throw new InvalidOperationException("a status surrogate without a status");

    public IpamStatusSurrogate ConvertToSurrogate(in IpamStatus value) =>
        new() { Json = JsonSerializer.SerializeToUtf8Bytes(value, StatusJsonContext.Default.IpamStatus) };
}
