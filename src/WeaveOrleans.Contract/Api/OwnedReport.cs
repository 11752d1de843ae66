using System.Text.Json.Serialization;

namespace WeaveOrleans.Contract.Api;

/// <summary>
/// The body of <c>GET /ip</c>: <c>{"owned":[{"containerid":…,"addrs":[…],"container":true}]}</c>. One
/// definition for the HTTP API that writes it and the CLI that reads it.
/// </summary>
public sealed record OwnedReport(
    [property: JsonPropertyName("owned")] OwnedReportEntry[] Owned);

/// <param name="ContainerId">The ident (a container's ID, or any name a client chose).</param>
/// <param name="Addrs">Its addresses in CIDR form.</param>
/// <param name="IsContainer">Whether it is a container's, released when the container dies.</param>
public sealed record OwnedReportEntry(
    [property: JsonPropertyName("containerid")] string ContainerId,
    [property: JsonPropertyName("addrs")] string[] Addrs,
    [property: JsonPropertyName("container")] bool IsContainer);
