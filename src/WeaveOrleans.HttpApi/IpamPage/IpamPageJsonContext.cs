using System.Text.Json;
using System.Text.Json.Serialization;

namespace WeaveOrleans.HttpApi;

/// <summary>camelCase for the page's script; source-generated like the rest of the API.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = false)]
[JsonSerializable(typeof(IpamPageView))]
internal sealed partial class IpamPageJsonContext : JsonSerializerContext;
