using System.Net;
using System.Text.Json;
using WeaveOrleans.Contract.Text;

namespace WeaveOrleans.Cni;

/// <summary>
/// What this plugin reads of the network configuration on stdin. Its own settings come from the <c>ipam</c>
/// object, else from the top level (the plugin run directly, not delegated to): <c>socket</c> (the daemon's
/// HTTP API, default <see cref="DefaultSocket"/>), <c>subnet</c> (a CIDR inside the daemon's range; default
/// the daemon's default subnet), <c>gateway</c> (true: one address of the subnet per network and host is held
/// for the bridge and returned as every IP's gateway), <c>routes</c> (returned as given) and
/// <c>timeoutSeconds</c> (how long an ADD may wait for space or consensus, default 10).
/// </summary>
internal sealed class NetworkConfig
{
    /// <summary>The daemon's own socket when run as root with its default data directory (/var/lib/weave).</summary>
    public const string DefaultSocket = "/var/lib/weave/weave.sock";

    public const double DefaultTimeoutSeconds = 10;

    public required string CniVersion { get; init; }
    public string? Name { get; init; }
    public required string Socket { get; init; }
    public IPNetwork? Subnet { get; init; }
    public bool Gateway { get; init; }
    public JsonElement? Routes { get; init; }
    public TimeSpan Timeout { get; init; }
    public IReadOnlyList<string> PreviousAddresses { get; init; } = [];
    public IReadOnlyList<(string ContainerId, string IfName)>? ValidAttachments { get; init; }

    /// <summary>The network name, which ADD, DEL, CHECK and GC need: it is part of every ident.</summary>
    public string NetworkName => Name ?? throw new CniException(CniErrorCode.InvalidConfig, "the network configuration has no \"name\"");

    public static NetworkConfig Parse(ReadOnlySpan<byte> stdin)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(stdin.ToArray(), new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException e)
        {
            throw new CniException(CniErrorCode.DecodeFailure, $"the network configuration on stdin is not JSON: {OneLine.Of(e.Message)}");
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw new CniException(CniErrorCode.DecodeFailure, "the network configuration on stdin is not a JSON object");
            var ipam = root.TryGetProperty("ipam", out var i) && i.ValueKind == JsonValueKind.Object ? i : (JsonElement?)null;
            JsonElement? Setting(string name) =>
                ipam is { } own && own.TryGetProperty(name, out var v) ? v : root.TryGetProperty(name, out var top) ? top : null;

            var version = String(root, "cniVersion") ?? throw new CniException(CniErrorCode.InvalidConfig, "the network configuration has no \"cniVersion\"");
            var name = String(root, "name");
            if (name is not null && !IsNetworkName(name))
                throw new CniException(CniErrorCode.InvalidConfig,
                    $"invalid network name \"{PluginEnvironment.Printable(name)}\": it must start with a letter or digit and hold only letters, digits, '_', '.' and '-'");
            return new NetworkConfig
            {
                CniVersion = version,
                Name = name,
                Socket = SocketOf(Setting("socket")),
                Subnet = SubnetOf(Setting("subnet")),
                Gateway = GatewayOf(Setting("gateway")),
                Routes = RoutesOf(Setting("routes")),
                Timeout = TimeoutOf(Setting("timeoutSeconds")),
                PreviousAddresses = PreviousAddressesOf(root),
                ValidAttachments = ValidAttachmentsOf(root),
            };
        }
    }

    private static bool IsNetworkName(string name) =>
        name.Length > 0 && char.IsAsciiLetterOrDigit(name[0]) && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-');

    private static string? String(JsonElement obj, string name)
    {
        if (!obj.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            return null;
        return value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : throw new CniException(CniErrorCode.InvalidConfig, $"\"{name}\" must be a string, not {value.ValueKind.ToString().ToLowerInvariant()}");
    }

    private static string SocketOf(JsonElement? value)
    {
        if (value is not { ValueKind: not JsonValueKind.Null } v)
            return DefaultSocket;
        if (v.ValueKind != JsonValueKind.String || v.GetString() is not { Length: > 0 } path || !Path.IsPathRooted(path))
            throw new CniException(CniErrorCode.InvalidConfig, $"\"socket\" must be the absolute path of the daemon's unix socket, not {OneLine.Of(v.GetRawText())}");
        return path;
    }

    private static IPNetwork? SubnetOf(JsonElement? value)
    {
        if (value is not { ValueKind: not JsonValueKind.Null } v)
            return null;
        var text = v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        // IPNetwork.TryParse masks host bits away; a subnet written with them is a mistake to name, not to guess at.
        if (text is null || !IPNetwork.TryParse(text, out var subnet) || subnet.BaseAddress.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork
            || subnet.BaseAddress.ToString() != text.Split('/')[0])
            throw new CniException(CniErrorCode.InvalidConfig, $"\"subnet\" must be an IPv4 CIDR with no host bits (such as 10.32.0.0/24), not {OneLine.Of(v.GetRawText())}");
        return subnet;
    }

    private static bool GatewayOf(JsonElement? value) => value switch
    {
        null or { ValueKind: JsonValueKind.Null or JsonValueKind.False } => false,
        { ValueKind: JsonValueKind.True } => true,
        { } v => throw new CniException(CniErrorCode.InvalidConfig, $"\"gateway\" must be true or false, not {OneLine.Of(v.GetRawText())}"),
    };

    private static JsonElement? RoutesOf(JsonElement? value)
    {
        if (value is not { ValueKind: not JsonValueKind.Null } v)
            return null;
        if (v.ValueKind != JsonValueKind.Array || v.EnumerateArray().Any(r => r.ValueKind != JsonValueKind.Object || !r.TryGetProperty("dst", out var dst) || dst.ValueKind != JsonValueKind.String))
            throw new CniException(CniErrorCode.InvalidConfig, "\"routes\" must be an array of objects, each with a \"dst\" CIDR");
        return v.Clone();
    }

    private static TimeSpan TimeoutOf(JsonElement? value)
    {
        if (value is not { ValueKind: not JsonValueKind.Null } v)
            return TimeSpan.FromSeconds(DefaultTimeoutSeconds);
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetDouble(out var seconds) || seconds <= 0 || seconds > 3600)
            throw new CniException(CniErrorCode.InvalidConfig, $"\"timeoutSeconds\" must be a number of seconds above 0 and at most 3600, not {OneLine.Of(v.GetRawText())}");
        return TimeSpan.FromSeconds(seconds);
    }

    /// <summary>The addresses of <c>prevResult.ips</c>, which CHECK expects the daemon still to hold.</summary>
    private static string[] PreviousAddressesOf(JsonElement root)
    {
        if (!root.TryGetProperty("prevResult", out var previous) || previous.ValueKind != JsonValueKind.Object
            || !previous.TryGetProperty("ips", out var ips) || ips.ValueKind != JsonValueKind.Array)
            return [];
        return [.. ips.EnumerateArray()
            .Select(ip => ip.ValueKind == JsonValueKind.Object && ip.TryGetProperty("address", out var a) && a.ValueKind == JsonValueKind.String ? a.GetString() : null)
            .OfType<string>()];
    }

    private static (string, string)[]? ValidAttachmentsOf(JsonElement root)
    {
        if (!root.TryGetProperty("cni.dev/valid-attachments", out var list) || list.ValueKind == JsonValueKind.Null)
            return null;
        const string shape = "\"cni.dev/valid-attachments\" must be an array of objects with \"containerID\" and \"ifname\" strings";
        if (list.ValueKind != JsonValueKind.Array)
            throw new CniException(CniErrorCode.InvalidConfig, shape);
        return [.. list.EnumerateArray().Select(a =>
            a.ValueKind == JsonValueKind.Object
            && a.TryGetProperty("containerID", out var id) && id.ValueKind == JsonValueKind.String
            && a.TryGetProperty("ifname", out var ifName) && ifName.ValueKind == JsonValueKind.String
                ? (id.GetString()!, ifName.GetString()!)
                : throw new CniException(CniErrorCode.InvalidConfig, shape))];
    }

}
