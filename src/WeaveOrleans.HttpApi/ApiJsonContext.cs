using System.Text.Json.Serialization;
using WeaveOrleans.Grains;
using WeaveOrleans.Contract.Api;

namespace WeaveOrleans.HttpApi;

/// <summary>Source-generated so the API works without reflection-based serialization (trimmed or AOT hosts).</summary>
[JsonSourceGenerationOptions(WriteIndented = false)]
[JsonSerializable(typeof(IpamStatus))]
[JsonSerializable(typeof(OwnedReport))]
internal sealed partial class ApiJsonContext : JsonSerializerContext;
