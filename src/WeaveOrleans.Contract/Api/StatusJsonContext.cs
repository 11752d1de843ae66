using System.Text.Json.Serialization;

namespace WeaveOrleans.Contract.Api;

/// <summary>Source-generated JSON for the status (no reflection: the CLI is compiled ahead of time).</summary>
[JsonSerializable(typeof(IpamStatus))]
[JsonSerializable(typeof(OwnedReport))]
public sealed partial class StatusJsonContext : JsonSerializerContext;
