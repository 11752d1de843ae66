using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using WeaveOrleans.Contract;
using WeaveOrleans.Contract.Api;
using WeaveOrleans.Contract.Text;

namespace WeaveOrleans.Cni;

/// <summary>
/// The WeaveOrleans daemon's HTTP API on its unix socket: the plugin runs in the runtime's network namespace,
/// where 127.0.0.1 need not be the daemon's, but the socket file is on the host's filesystem.
/// </summary>
internal sealed class DaemonClient : IDisposable
{
    private readonly HttpClient _http;

    public DaemonClient(string socketPath)
    {
        SocketPath = socketPath;
        var handler = UnixSocketHttp.Handler(socketPath);
        // Every call carries its own deadline (the caller's token).
        _http = new HttpClient(handler) { BaseAddress = UnixSocketHttp.BaseAddress, Timeout = Timeout.InfiniteTimeSpan };
    }

    public string SocketPath { get; }

    /// <summary>
    /// POST /ip/{ident}[/{subnet}]: the address (CIDR) the daemon gives <paramref name="ident"/>, the one it already
    /// holds when asked again. The daemon waits while it has no ring or no space; <paramref name="cancellation"/>
    /// bounds that wait (the dropped request cancels the allocation in the daemon).
    /// </summary>
    public async Task<string> Allocate(string ident, IPNetwork? subnet, CancellationToken cancellation)
    {
        var (status, body) = await Send(HttpMethod.Post, IdentPath(ident) + SubnetPath(subnet), cancellation);
        return status == HttpStatusCode.OK && body.Length > 0
            ? body
            : throw Refused("allocate", status, body);
    }

    /// <summary>DELETE /ip/{ident}: true when something was released, false when the daemon held nothing for it.</summary>
    public async Task<bool> Release(string ident, CancellationToken cancellation)
    {
        var (status, body) = await Send(HttpMethod.Delete, IdentPath(ident), cancellation);
        if (status == HttpStatusCode.NoContent)
            return true;
        // The daemon refuses to delete an ident that holds nothing ("Delete: no addresses for ..."); told apart
        // from other refusals by the listing rather than by its wording.
        if (status == HttpStatusCode.BadRequest && !(await OwnedIdents(cancellation)).Contains(ident, StringComparer.Ordinal))
            return false;
        throw Refused("release", status, body);
    }

    /// <summary>GET /ip/{ident}[/{subnet}]: the addresses (CIDRs) the daemon holds for it there.</summary>
    public async Task<string[]> Lookup(string ident, IPNetwork? subnet, CancellationToken cancellation)
    {
        var (status, body) = await Send(HttpMethod.Get, IdentPath(ident) + SubnetPath(subnet), cancellation);
        return status == HttpStatusCode.OK
            ? body.Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries)
            : throw Refused("look up", status, body);
    }

    /// <summary>GET /ip: every ident the daemon holds addresses for.</summary>
    public async Task<string[]> OwnedIdents(CancellationToken cancellation)
    {
        var (status, body) = await Send(HttpMethod.Get, "ip", cancellation);
        if (status != HttpStatusCode.OK)
            throw Refused("list addresses", status, body);
        var report = Parse(body, StatusJsonContext.Default.OwnedReport, "address list");
        return [.. report.Owned.Select(o => o.ContainerId)];
    }

    /// <summary>Whether the daemon has a ring (consensus reached), and so can allocate without waiting for one.</summary>
    public async Task<bool> HasRing(CancellationToken cancellation)
    {
        var (status, body) = await Send(HttpMethod.Get, "status/json", cancellation);
        if (status != HttpStatusCode.OK)
            throw Refused("read the status", status, body);
        return Parse(body, StatusJsonContext.Default.IpamStatus, "status").Entries.Length > 0;
    }

    /// <summary>A daemon's JSON body, read with the contract's own types; anything else is the daemon misbehaving, said in one line.</summary>
    private static T Parse<T>(string body, JsonTypeInfo<T> type, string what)
    {
        try
        {
            return JsonSerializer.Deserialize(body, type) ?? throw new JsonException("null");
        }
        catch (JsonException e)
        {
            throw new CniException(CniErrorCode.DaemonRefused, $"the daemon's {what} is not what this plugin reads: {OneLine.Of(e.Message)}");
        }
    }

    private async Task<(HttpStatusCode Status, string Body)> Send(HttpMethod method, string path, CancellationToken cancellation)
    {
        if (!File.Exists(SocketPath))
            throw new DaemonUnreachableException($"cannot reach the WeaveOrleans daemon: no socket at {SocketPath} (is the daemon running, with --http-addr {SocketPath}?)");
        try
        {
            using var request = new HttpRequestMessage(method, path);
            using var response = await _http.SendAsync(request, cancellation);
            return (response.StatusCode, (await response.Content.ReadAsStringAsync(cancellation)).Trim());
        }
        catch (HttpRequestException e)
        {
            throw new DaemonUnreachableException($"cannot reach the WeaveOrleans daemon on {SocketPath}: {OneLine.Of(e.InnerException?.Message ?? e.Message)}");
        }
    }

    private static string IdentPath(string ident) => "ip/" + Uri.EscapeDataString(ident);

    private static string SubnetPath(IPNetwork? subnet) => subnet is { } s ? $"/{s.BaseAddress}/{s.PrefixLength}" : "";

    private static CniException Refused(string what, HttpStatusCode status, string body) =>
        new(CniErrorCode.DaemonRefused, $"the daemon could not {what}: {(int)status} {OneLine.Of(body)}");

    public void Dispose() => _http.Dispose();
}

/// <summary>Nothing answers on the daemon's socket (no daemon, or one not started yet).</summary>
internal sealed class DaemonUnreachableException(string message) : Exception(message);
