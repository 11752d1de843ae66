using System.Text.Json.Serialization;
using WeaveOrleans.Grains;

namespace WeaveOrleans.HttpApi;

/// <summary><c>GET /ip</c>: <c>{"owned":[{"containerid":…,"addrs":[…],"container":true}]}</c> (<c>container</c>: the ident is a container's, released when it dies).</summary>
internal sealed record OwnedReport(
    [property: JsonPropertyName("owned")] OwnedReportEntry[] Owned);

internal sealed record OwnedReportEntry(
    [property: JsonPropertyName("containerid")] string ContainerId,
    [property: JsonPropertyName("addrs")] string[] Addrs,
    [property: JsonPropertyName("container")] bool IsContainer);

/// <summary>Source-generated so the API works without reflection-based serialization (trimmed or AOT hosts).</summary>
[JsonSourceGenerationOptions(WriteIndented = false)]
[JsonSerializable(typeof(IpamStatus))]
[JsonSerializable(typeof(OwnedReport))]
internal sealed partial class ApiJsonContext : JsonSerializerContext;
