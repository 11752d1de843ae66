using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using WeaveOrleans.Host.Listeners;
using Xunit.Abstractions;

namespace WeaveOrleans.Host.Tests.Listeners;

/// <summary>
/// One real daemon on SQLite with every listener (the HTTP API on TCP and on a unix socket, status,
/// metrics, and a password-protected dashboard on 0.0.0.0), and every route tried on every listener:
/// only the API changes state; status and metrics read; the dashboard is the dashboard alone.
/// </summary>
public sealed class ListenerRouteTableTests(ITestOutputHelper output) : IDisposable
{
    private const string Password = "route-table-secret";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly string _workDir = Directory.CreateTempSubdirectory("weaver-listeners-").FullName;
    private readonly List<IDisposable> _dispose = [];
    private DaemonProcess? _daemon;

    /// <summary>A route, the listeners meant to serve it, and whether it changes state.</summary>
    private sealed record Route(string Method, string Path, ListenerKind ServedOn)
    {
        public override string ToString() => $"{Method} {Path}";
    }

    private static readonly ListenerKind Reads = ListenerKind.Api | ListenerKind.Status;

    /// <summary>Hands every range away and stops allocating (Weave's reset): tried on the API last.</summary>
    private static readonly Route Shutdown = new("DELETE", "/peer", ListenerKind.Api);

    private static Route[] Routes(string id) =>
    [
        new("POST", $"/ip/{id}-1", ListenerKind.Api),
        new("POST", $"/ip/{id}-2/10.61.0.0/25", ListenerKind.Api),
        new("PUT", $"/ip/{id}-3/10.61.0.200/24", ListenerKind.Api),
        new("GET", "/ip", ListenerKind.Api),
        new("GET", $"/ip/{id}-1", ListenerKind.Api),
        new("GET", $"/ip/{id}-2/10.61.0.0/25", ListenerKind.Api),
        new("GET", "/ipinfo/defaultsubnet", ListenerKind.Api),
        new("GET", "/ipinfo/tracker", ListenerKind.Api),
        new("GET", "/ring", ListenerKind.Api),
        new("DELETE", $"/ip/{id}-3/10.61.0.200", ListenerKind.Api),
        new("DELETE", $"/ip/{id}-2", ListenerKind.Api),
        new("DELETE", "/peer/02:00:00:00:00:99", ListenerKind.Api),
        new("POST", "/connect?peer=127.0.0.1:1", ListenerKind.Api),
        new("POST", "/forget?peer=127.0.0.1:1", ListenerKind.Api),
        // The containers of this host's Docker, for the CLI (this daemon runs without Docker: 409, still served).
        new("GET", "/docker/containers", ListenerKind.Api),
        new("POST", "/docker/containers", ListenerKind.Api),
        new("GET", $"/docker/containers/{id}-c", ListenerKind.Api),
        new("POST", $"/docker/containers/{id}-c/start", ListenerKind.Api),
        Shutdown,
        new("GET", "/status", Reads),
        new("GET", "/status/ipam", Reads),
        new("GET", "/status/targets", Reads),
        new("GET", "/status/connections", Reads),
        new("GET", "/status/peers", Reads),
        new("GET", "/status/json", Reads),
        new("GET", "/report", Reads),
        new("GET", "/report?format=%7B%7B.Router.Name%7D%7D", Reads),
        new("GET", "/_health", Reads),
        new("GET", "/metrics", Reads | ListenerKind.Metrics),
        new("GET", "/dashboard/", ListenerKind.Dashboard),
        new("GET", "/ipam", ListenerKind.Dashboard),
        new("GET", "/ipam/data", ListenerKind.Dashboard),
        new("GET", "/no/such/route", ListenerKind.None),
        new("POST", "/status", ListenerKind.None),
        new("DELETE", "/metrics", ListenerKind.None),
        new("POST", "/dashboard/", ListenerKind.None),
    ];

    [Fact]
    public async Task Each_listener_serves_its_own_routes_and_only_the_API_changes_state()
    {
        var socketPath = Path.Combine(_workDir, "api.sock");
        LeaveStaleSocket(socketPath);
        var daemon = _daemon = new DaemonProcess("7e:00:00:00:61:01", "routes", _workDir, "10.61.0.0/24", "consensus=1",
            ["--dashboard-password", Password])
        {
            HttpAddr = null,
            DashboardAddr = null,
        };
        daemon.HttpAddr = $"127.0.0.1:{daemon.HttpPort},{socketPath}";
        daemon.DashboardAddr = $"0.0.0.0:{daemon.DashboardPort}";
        daemon.Start();
        await daemon.WaitForHttpAsync(StartTimeout);

        var tcp = Client($"http://127.0.0.1:{daemon.HttpPort}");
        var socket = SocketClient(socketPath);
        var listeners = new (string Name, ListenerKind Kind, HttpClient Client)[]
        {
            ("status", ListenerKind.Status, Client($"http://127.0.0.1:{daemon.StatusPort}")),
            ("metrics", ListenerKind.Metrics, Client($"http://127.0.0.1:{daemon.MetricsPort}")),
            ("dashboard", ListenerKind.Dashboard, Client($"http://127.0.0.1:{daemon.DashboardPort}", authenticated: true)),
        };

        // Every route on every listener that is not the API: what is not meant for it does not exist there.
        var table = new StringBuilder();
        foreach (var (name, kind, client) in listeners)
            foreach (var route in Routes("rt"))
            {
                var code = await Send(client, route);
                table.AppendLine($"{name,-9} {route,-40} {code}");
                if (route.ServedOn.HasFlag(kind))
                    Assert.True(code == HttpStatusCode.OK, $"{name}: {route} answered {(int)code}, expected 200");
                else
                    Assert.True(code is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed, $"{name}: {route} answered {(int)code}, expected 404 or 405");
            }

        // Nothing those listeners were sent changed anything: no ring, no address, the daemon still up.
        Assert.True(daemon.Running, "the daemon stopped: DELETE /peer was served somewhere it must not be");
        Assert.DoesNotContain("rt-", await daemon.GetTextAsync("ip"), StringComparison.Ordinal);
        Assert.Empty(await daemon.IpamLinesAsync());

        // The same table on the API, over TCP and over the unix socket: every route is served there.
        foreach (var (name, client, id) in new[] { ("api", tcp, "tcp"), ("api.sock", socket, "sock") })
            foreach (var route in Routes(id).Where(r => r != Shutdown))
            {
                var code = await Send(client, route);
                table.AppendLine($"{name,-9} {route,-40} {code}");
                if (route.ServedOn.HasFlag(ListenerKind.Api))
                    Assert.True(code is not (HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed) && (int)code < 500,
                        $"{name}: {route} answered {(int)code}, expected it served");
                else
                    Assert.True(code is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed, $"{name}: {route} answered {(int)code}, expected 404 or 405");
            }
        output.WriteLine(table.ToString());
        var held = await daemon.GetTextAsync("ip");
        Assert.Contains("tcp-1", held, StringComparison.Ordinal);
        Assert.Contains("sock-1", held, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NoContent, await Send(socket, Shutdown));
        Assert.Contains("shutting down", await daemon.GetTextAsync("status"), StringComparison.Ordinal);

        // Stopping removes the socket file.
        Assert.Equal(0, await daemon.TerminateAsync(TimeSpan.FromSeconds(30)));
        Assert.False(File.Exists(socketPath), "the socket file is left behind after a graceful stop");
    }

    [Fact]
    public async Task Browser_borne_requests_are_refused_and_the_dashboard_asks_for_its_password()
    {
        var socketPath = Path.Combine(_workDir, "b.sock");
        var daemon = _daemon = new DaemonProcess("7e:00:00:00:61:02", "browser", _workDir, "10.62.0.0/24", "consensus=1",
            ["--dashboard-password", Password, "--allowed-hosts", "weave.test"]);
        daemon.HttpAddr = $"127.0.0.1:{daemon.HttpPort},{socketPath}";
        daemon.Start();
        await daemon.WaitForHttpAsync(StartTimeout);

        // DNS rebinding: the request reaches loopback but names the attacker's host.
        foreach (var port in new[] { daemon.HttpPort, daemon.StatusPort, daemon.DashboardPort })
        {
            using var rebound = Request("GET", $"http://127.0.0.1:{port}/status", host: "rebind.attacker.example");
            Assert.Equal(HttpStatusCode.MisdirectedRequest, await Code(Client(), rebound));
            using var configured = Request("GET", $"http://127.0.0.1:{port}/dashboard/", host: $"weave.test:{port}", authenticated: true);
            Assert.NotEqual(HttpStatusCode.MisdirectedRequest, await Code(Client(), configured));
        }
        using (var overSocket = Request("GET", "http://rebind.attacker.example/status"))
            Assert.Equal(HttpStatusCode.OK, await Code(SocketClient(socketPath), overSocket));

        // A page's cross-origin "simple" POST is refused and allocates nothing; the CLI's plain POST works.
        using (var csrf = Request("POST", $"http://127.0.0.1:{daemon.HttpPort}/ip/from-a-web-page"))
        {
            csrf.Headers.Add("Origin", "http://attacker.example");
            Assert.Equal(HttpStatusCode.Forbidden, await Code(Client(), csrf));
        }
        Assert.DoesNotContain("from-a-web-page", await daemon.GetTextAsync("ip"), StringComparison.Ordinal);
        Assert.StartsWith("10.62.0.", await daemon.AllocateAsync("from-the-cli"), StringComparison.Ordinal);

        // The dashboard: 401 with a challenge unless the password is right.
        var dashboard = $"http://127.0.0.1:{daemon.DashboardPort}/dashboard/";
        using (var anonymous = Request("GET", dashboard))
        using (var reply = await Client().SendAsync(anonymous))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, reply.StatusCode);
            Assert.StartsWith("Basic", reply.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        }
        using (var wrong = Request("GET", dashboard))
        {
            wrong.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("admin:guess")));
            Assert.Equal(HttpStatusCode.Unauthorized, await Code(Client(), wrong));
        }
        using (var right = Request("GET", dashboard, authenticated: true))
            Assert.Equal(HttpStatusCode.OK, await Code(Client(), right));
    }

    [Fact]
    public async Task A_dashboard_reachable_from_other_hosts_without_a_password_stops_the_daemon_at_start_with_one_line()
    {
        var start = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, WorkingDirectory = _workDir };
        foreach (var arg in new[] { DaemonProcess.FindWeaverDll(), "--data-dir", _workDir, "--dashboard-addr", "0.0.0.0:6785", "--docker-endpoint", "none" })
            start.ArgumentList.Add(arg);
        using var process = System.Diagnostics.Process.Start(start)!;
        var stderr = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.Equal(2, process.ExitCode);
        Assert.StartsWith("weaver: the dashboard on 0.0.0.0:6785 would be reachable from other hosts without a password", stderr, StringComparison.Ordinal);
        Assert.Single(stderr.Trim().Split('\n'));
    }

    /// <summary>A socket file whose owner died without removing it, as after kill -9.</summary>
    private static void LeaveStaleSocket(string path)
    {
        using (var stale = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
            stale.Bind(new UnixDomainSocketEndPoint(path));
        if (!File.Exists(path))
            File.WriteAllBytes(path, []);
        Assert.True(File.Exists(path));
    }

    private HttpRequestMessage Request(string method, string uri, string? host = null, bool authenticated = false)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), uri);
        if (host is not null)
            request.Headers.Host = host;
        if (authenticated)
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{DashboardCredentials.DefaultUser}:{Password}")));
        return request;
    }

    private static async Task<HttpStatusCode> Send(HttpClient client, Route route)
    {
        using var request = new HttpRequestMessage(new HttpMethod(route.Method), route.Path.TrimStart('/'));
        return await Code(client, request);
    }

    private static async Task<HttpStatusCode> Code(HttpClient client, HttpRequestMessage request)
    {
        using var reply = await client.SendAsync(request);
        return reply.StatusCode;
    }

    private HttpClient Client(string? baseAddress = null, bool authenticated = false)
    {
        var client = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        if (baseAddress is not null)
            client.BaseAddress = new Uri(baseAddress + "/");
        if (authenticated)
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{DashboardCredentials.DefaultUser}:{Password}")));
        _dispose.Add(client);
        return client;
    }

    private HttpClient SocketClient(string path)
    {
        var client = SocketHttp.For(path, TimeSpan.FromSeconds(30));
        _dispose.Add(client);
        return client;
    }

    public void Dispose()
    {
        foreach (var d in _dispose)
            d.Dispose();
        if (_daemon is { } daemon)
        {
            if (daemon.Running)
                output.WriteLine($"--- log tail\n{daemon.LogTail(20)}");
            daemon.Dispose();
        }
        try
        {
            Directory.Delete(_workDir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
