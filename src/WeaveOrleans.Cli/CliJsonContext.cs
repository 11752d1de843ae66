using System.Text.Json.Serialization;
using WeaveOrleans.Contract.Api;

namespace WeaveOrleans.Cli;

/// <summary>Source-generated readers for what the CLI gets from the daemon's HTTP API.</summary>
[JsonSerializable(typeof(IpamStatus))]
[JsonSerializable(typeof(OwnedReport))]
internal sealed partial class CliJsonContext : JsonSerializerContext;
