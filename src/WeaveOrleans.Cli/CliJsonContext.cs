using System.Text.Json.Serialization;
using WeaveOrleans.Grains;

namespace WeaveOrleans.Cli;

/// <summary>The daemon's <c>GET /ip</c> body.</summary>
internal sealed record OwnedList(
    [property: JsonPropertyName("owned")] OwnedListEntry[] Owned);

internal sealed record OwnedListEntry(
    [property: JsonPropertyName("containerid")] string ContainerId,
    [property: JsonPropertyName("addrs")] string[] Addrs,
    [property: JsonPropertyName("container")] bool IsContainer);

/// <summary>Source-generated readers for what the CLI gets from the daemon's HTTP API.</summary>
[JsonSerializable(typeof(IpamStatus))]
[JsonSerializable(typeof(OwnedList))]
internal sealed partial class CliJsonContext : JsonSerializerContext;
