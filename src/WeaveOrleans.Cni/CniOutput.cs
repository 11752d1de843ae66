using System.Text.Json;

namespace WeaveOrleans.Cni;

/// <summary>The JSON documents the plugin writes on stdout (spec section 5), written directly: no reflection under NativeAOT.</summary>
internal static class CniOutput
{
    /// <summary>
    /// The abbreviated ADD result of a delegated IPAM plugin: no <c>interfaces</c>, no <c>ips[].interface</c>.
    /// Results before 1.0.0 name each IP's version.
    /// </summary>
    public static void WriteAddResult(Stream output, string cniVersion, IEnumerable<string> addresses, string? gateway, JsonElement? routes)
    {
        using var json = new Utf8JsonWriter(output);
        json.WriteStartObject();
        json.WriteString("cniVersion", cniVersion);
        json.WriteStartArray("ips");
        foreach (var address in addresses)
        {
            json.WriteStartObject();
            if (CniVersions.ResultNamesIpVersion(cniVersion))
                json.WriteString("version", "4");
            json.WriteString("address", address);
            if (gateway is not null)
                json.WriteString("gateway", gateway);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        if (routes is { } r)
        {
            json.WritePropertyName("routes");
            r.WriteTo(json);
        }
        json.WriteEndObject();
    }

    public static void WriteVersions(Stream output, string cniVersion)
    {
        using var json = new Utf8JsonWriter(output);
        json.WriteStartObject();
        json.WriteString("cniVersion", cniVersion);
        json.WriteStartArray("supportedVersions");
        foreach (var v in CniVersions.Supported)
            json.WriteStringValue(v);
        json.WriteEndArray();
        json.WriteEndObject();
    }

    public static void WriteError(Stream output, string cniVersion, CniException error)
    {
        using var json = new Utf8JsonWriter(output);
        json.WriteStartObject();
        json.WriteString("cniVersion", cniVersion);
        json.WriteNumber("code", error.Code);
        json.WriteString("msg", error.Message);
        if (error.Details is not null)
            json.WriteString("details", error.Details);
        json.WriteEndObject();
    }
}
