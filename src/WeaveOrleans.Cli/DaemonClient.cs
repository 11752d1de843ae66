using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using WeaveOrleans.Contract;
using WeaveOrleans.Contract.Api;

namespace WeaveOrleans.Cli;

/// <summary>
/// This host's daemon, reached through its HTTP API on the unix socket in its data directory
/// (<see cref="CliSettings.SocketPath"/>): the daemon's co-hosted client bridges each call to its
/// grain. No ports to agree on, and a command costs one local HTTP request, not an Orleans client.
/// </summary>
public sealed class DaemonClient : IDisposable
{
    /// <summary>The daemon's whole status as JSON (Weave's <c>/report</c> is a different document).</summary>
    private const string StatusJsonPath = "status/json";

    private readonly HttpClient _http;

    private DaemonClient(HttpClient http, IpamStatus status)
    {
        _http = http;
        PeerName = status.PeerName;
        FirstStatus = status;
    }

    public string PeerName { get; }

    /// <summary>The status read when connecting (every connection proves the daemon answers with one).</summary>
    public IpamStatus FirstStatus { get; }

    /// <summary>Whether something accepts TCP connections on 127.0.0.1:<paramref name="port"/> within <paramref name="timeout"/>.</summary>
    public static async Task<bool> PortAnswers(int port, TimeSpan timeout, CancellationToken cancellation = default)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        cts.CancelAfter(timeout);
        try
        {
            await socket.ConnectAsync(IPAddress.Loopback, port, cts.Token);
            return true;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Connects to the daemon of <paramref name="settings"/>; throws <see cref="CliException"/> naming the data directory when it is not there.</summary>
    public static async Task<DaemonClient> Connect(CliSettings settings, TimeSpan responseTimeout, CancellationToken cancellation = default) =>
        await TryConnect(settings, responseTimeout, cancellation)
        ?? throw new CliException($"the weave daemon is not running (nothing answers on {settings.SocketPath}; data dir {settings.DataDirectory})");

    /// <summary>Null when nothing answers on the socket (no daemon, or one still starting).</summary>
    public static async Task<DaemonClient?> TryConnect(CliSettings settings, TimeSpan responseTimeout, CancellationToken cancellation = default)
    {
        if (!File.Exists(settings.SocketPath))
            return null;
        var path = settings.SocketPath;
        var handler = UnixSocketHttp.Handler(path);
        var http = new HttpClient(handler) { BaseAddress = UnixSocketHttp.BaseAddress, Timeout = responseTimeout };
        try
        {
            using var reply = await http.GetAsync(StatusJsonPath, cancellation);
            if (reply.StatusCode == HttpStatusCode.OK)
            {
                var status = await reply.Content.ReadFromJsonAsync(StatusJsonContext.Default.IpamStatus, cancellation);
                if (status is not null)
                    return new DaemonClient(http, status);
            }
        }
        catch (Exception e) when (e is HttpRequestException or JsonException || (e is OperationCanceledException && !cancellation.IsCancellationRequested))
        {
        }
        http.Dispose();
        return null;
    }

    public async Task<IpamStatus> Status()
    {
        using var reply = await _http.GetAsync(StatusJsonPath);
        await EnsureServed(reply);
        return await reply.Content.ReadFromJsonAsync(StatusJsonContext.Default.IpamStatus)
            ?? throw new CliException("the daemon sent an empty status");
    }

    /// <summary>A text route (<c>/status</c> and its sub-routes): the status code and the body.</summary>
    public async Task<(HttpStatusCode Code, string Body)> GetText(string path, CancellationToken cancellation = default)
    {
        using var reply = await _http.GetAsync(path, cancellation);
        return (reply.StatusCode, await reply.Content.ReadAsStringAsync(cancellation));
    }

    /// <summary>
    /// Weave's <c>GET /report</c>: the JSON document (asked for with <c>Accept: application/json</c>,
    /// as Weave's script does), or with <paramref name="format"/> that document through a Go template.
    /// </summary>
    public async Task<(HttpStatusCode Code, string Body)> GetReport(string? format, CancellationToken cancellation = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, format is null ? "report" : "report?format=" + Uri.EscapeDataString(format));
        if (format is null)
            request.Headers.Accept.Add(new System.Net.Http.Headers.MediaTypeWithQualityHeaderValue("application/json"));
        using var reply = await _http.SendAsync(request, cancellation);
        return (reply.StatusCode, await reply.Content.ReadAsStringAsync(cancellation));
    }

    /// <summary>A POST with a form body, as Weave's script and Go client send <c>/connect</c> and <c>/forget</c>; throws with the daemon's reason unless 2xx.</summary>
    public async Task PostForm(string path, IEnumerable<KeyValuePair<string, string>> form, CancellationToken cancellation = default)
    {
        using var content = new FormUrlEncodedContent(form);
        using var reply = await _http.PostAsync(path, content, cancellation);
        if (!reply.IsSuccessStatusCode)
        {
            var body = (await reply.Content.ReadAsStringAsync(cancellation)).Trim();
            throw new CliException(body.Length > 0 ? body : $"the daemon answered {(int)reply.StatusCode}");
        }
    }

    public Task<DaemonReply> Allocate(string ident, string? subnet, bool isContainer, CancellationToken cancellation = default) =>
        Call(HttpMethod.Post, IpPath(ident, subnet) + Flags(("check-alive", isContainer)), cancellation, addressInBody: true);

    public Task<DaemonReply> Claim(string ident, string cidr, bool isContainer, bool noErrorOnUnknown, CancellationToken cancellation = default) =>
        Call(HttpMethod.Put, IpPath(ident, cidr) + Flags(("check-alive", isContainer), ("noErrorOnUnknown", noErrorOnUnknown)), cancellation);

    public Task<DaemonReply> Prime(CancellationToken cancellation = default) => Call(HttpMethod.Get, "ring", cancellation);

    public Task<DaemonReply> Free(string ident, string address)
    {
        var slash = address.IndexOf('/', StringComparison.Ordinal);
        return Call(HttpMethod.Delete, $"ip/{Escape(ident)}/{(slash < 0 ? address : address[..slash])}", CancellationToken.None);
    }

    public Task<DaemonReply> RemovePeer(string nameOrNickname) => Call(HttpMethod.Delete, $"peer/{Escape(nameOrNickname)}", CancellationToken.None);

    public Task<DaemonReply> Shutdown() => Call(HttpMethod.Delete, "peer", CancellationToken.None);

    public async Task<string[]> Lookup(string ident, string? subnet)
    {
        using var reply = await _http.GetAsync(IpPath(ident, subnet));
        await EnsureServed(reply);
        return (await reply.Content.ReadAsStringAsync()).Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
    }

    public async Task<OwnedAddresses[]> ListAll()
    {
        using var reply = await _http.GetAsync("ip");
        await EnsureServed(reply);
        var list = await reply.Content.ReadFromJsonAsync(StatusJsonContext.Default.OwnedReport);
        return [.. (list?.Owned ?? []).Select(o => new OwnedAddresses(o.ContainerId, o.IsContainer, o.Addrs))];
    }

    /// <summary>The container named or identified by <paramref name="nameOrId"/>, as the daemon's Docker sees it; null when there is none.</summary>
    public async Task<ContainerInfo?> Container(string nameOrId, string? dockerEndpoint, CancellationToken cancellation = default)
    {
        using var reply = await _http.GetAsync(WithEndpoint(ContainerApi.Container(nameOrId), dockerEndpoint), cancellation);
        if (reply.StatusCode == HttpStatusCode.NotFound)
            return null;
        return await ReadContainer(reply, cancellation);
    }

    /// <summary>The running containers of the daemon's Docker.</summary>
    public async Task<ContainerInfo[]> RunningContainers(string? dockerEndpoint, CancellationToken cancellation = default)
    {
        using var reply = await _http.GetAsync(WithEndpoint(ContainerApi.Containers, dockerEndpoint), cancellation);
        await EnsureDockerServed(reply, cancellation);
        return await reply.Content.ReadFromJsonAsync(ContainerJsonContext.Default.ContainerInfoArray, cancellation) ?? [];
    }

    /// <summary>Starts a stopped container through the daemon's Docker.</summary>
    public async Task<ContainerInfo> StartContainer(string nameOrId, string? dockerEndpoint, CancellationToken cancellation = default)
    {
        using var reply = await _http.PostAsync(WithEndpoint(ContainerApi.Container(nameOrId) + "/start", dockerEndpoint), null, cancellation);
        return await ReadContainer(reply, cancellation);
    }

    /// <summary><c>weave run</c>'s create and start, by the daemon's Docker, with no Docker networking.</summary>
    public async Task<ContainerInfo> RunContainer(ContainerRunRequest run, string? dockerEndpoint, CancellationToken cancellation = default)
    {
        using var reply = await _http.PostAsJsonAsync(WithEndpoint(ContainerApi.Containers, dockerEndpoint), run, ContainerJsonContext.Default.ContainerRunRequest, cancellation);
        return await ReadContainer(reply, cancellation);
    }

    private static async Task<ContainerInfo> ReadContainer(HttpResponseMessage reply, CancellationToken cancellation)
    {
        await EnsureDockerServed(reply, cancellation);
        return await reply.Content.ReadFromJsonAsync(ContainerJsonContext.Default.ContainerInfo, cancellation)
            ?? throw new CliException("the daemon sent an empty container");
    }

    /// <summary>The container routes answer every failure with one line that names it (Docker off, unreachable, no such image).</summary>
    private static async Task EnsureDockerServed(HttpResponseMessage reply, CancellationToken cancellation)
    {
        if (reply.IsSuccessStatusCode)
            return;
        var body = (await reply.Content.ReadAsStringAsync(cancellation)).Trim();
        throw new CliException(body.Length > 0 ? body : $"the daemon answered {(int)reply.StatusCode}");
    }

    private static string WithEndpoint(string path, string? dockerEndpoint) =>
        dockerEndpoint is null ? path : $"{path}?{ContainerApi.EndpointParameter}={Uri.EscapeDataString(dockerEndpoint)}";

    /// <summary>
    /// One request whose answer is an <see cref="DaemonReply"/>: 2xx is done, 409 <c>cancelled</c>
    /// (a wait the caller gave up on), anything else failed with the daemon's one-line reason.
    /// </summary>
    private async Task<DaemonReply> Call(HttpMethod method, string path, CancellationToken cancellation, bool addressInBody = false)
    {
        using var request = new HttpRequestMessage(method, path);
        using var reply = await _http.SendAsync(request, cancellation);
        var body = (await reply.Content.ReadAsStringAsync(cancellation)).Trim();
        if (reply.IsSuccessStatusCode)
            return new DaemonReply(DaemonReplyKind.Ok, addressInBody && body.Length > 0 ? body : null, body.Length > 0 ? body + "\n" : null);
        if (reply.StatusCode == HttpStatusCode.Conflict)
            return new DaemonReply(DaemonReplyKind.Cancelled, Error: body);
        return new DaemonReply(DaemonReplyKind.Failed, Error: body.Length > 0 ? body : $"the daemon answered {(int)reply.StatusCode}");
    }

    private static async Task EnsureServed(HttpResponseMessage reply)
    {
        if (!reply.IsSuccessStatusCode)
            throw new CliException($"the daemon answered {(int)reply.StatusCode}: {(await reply.Content.ReadAsStringAsync()).Trim()}");
    }

    private static string IpPath(string ident, string? cidr) => $"ip/{Escape(ident)}" + (cidr is null ? "" : "/" + cidr);

    private static string Flags(params (string Name, bool Value)[] flags) =>
        flags.Any(f => f.Value) ? "?" + string.Join('&', flags.Where(f => f.Value).Select(f => f.Name + "=true")) : "";

    private static string Escape(string segment) => Uri.EscapeDataString(segment);

    public void Dispose() => _http.Dispose();
}
