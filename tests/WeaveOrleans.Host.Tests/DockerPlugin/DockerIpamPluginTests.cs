using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Xunit.Abstractions;

namespace WeaveOrleans.Host.Tests.DockerPlugin;

/// <summary>One real daemon serving Docker's IPAM driver on <c>--plugin-socket</c>, shared by the protocol tests (each in a subnet of its own).</summary>
public sealed class PluginDaemon : IAsyncLifetime
{
    public const string Range = "10.63.0.0/16";
    public const string DefaultSubnet = "10.63.1.0/24";

    private readonly string _workDir = Directory.CreateTempSubdirectory("wo-plugin-").FullName;

    public DaemonProcess Daemon { get; private set; } = null!;
    public string Socket => Path.Combine(_workDir, "drv.sock");
    public PluginClient Plugin { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Daemon = new DaemonProcess("7e:00:00:00:63:01", "plugin", _workDir, Range, "consensus=1",
            ["--plugin-socket", Socket, "--ipalloc-default-subnet", DefaultSubnet]);
        Daemon.Start();
        await Daemon.WaitForHttpAsync(TimeSpan.FromSeconds(60));
        using (var ring = await Daemon.Http.GetAsync("ring"))
            Assert.Equal(HttpStatusCode.OK, ring.StatusCode);
        Plugin = new PluginClient(Socket);
    }

    /// <summary>The daemon's own list of what it holds (GET /ip): ident, addresses, container flag.</summary>
    public async Task<List<(string Ident, string[] Addresses, bool Container)>> Held()
    {
        using var doc = JsonDocument.Parse(await Daemon.GetTextAsync("ip"));
        return [.. doc.RootElement.GetProperty("owned").EnumerateArray().Select(e => (
            e.GetProperty("containerid").GetString()!,
            e.GetProperty("addrs").EnumerateArray().Select(a => a.GetString()!).ToArray(),
            e.GetProperty("container").GetBoolean()))];
    }

    public Task DisposeAsync()
    {
        Plugin?.Dispose();
        DaemonProcess.DisposeAll([Daemon], _workDir, _ => { });
        return Task.CompletedTask;
    }
}

public sealed class DockerIpamPluginTests(PluginDaemon fixture, ITestOutputHelper output) : IClassFixture<PluginDaemon>
{
    private PluginClient Plugin => fixture.Plugin;

    [Fact]
    public async Task The_handshake_dockerd_sends_with_empty_bodies_is_answered()
    {
        Assert.Equal("IpamDriver", Assert.Single((await Plugin.Ok("/Plugin.Activate")).Json.GetProperty("Implements").EnumerateArray()).GetString());
        var capabilities = (await Plugin.Ok("/IpamDriver.GetCapabilities")).Json;
        Assert.False(capabilities.GetProperty("RequiresMACAddress").GetBoolean());
        Assert.False(capabilities.GetProperty("RequiresRequestReplay").GetBoolean());
        var spaces = await Plugin.Ok("/IpamDriver.GetDefaultAddressSpaces");
        Assert.Equal("weavelocal", spaces["LocalDefaultAddressSpace"]);
        Assert.Equal("weaveglobal", spaces["GlobalDefaultAddressSpace"]);
        // dockerd may send "{}" too.
        await Plugin.Ok("/Plugin.Activate", "{}");
    }

    [Fact]
    public async Task A_pool_is_the_default_subnet_or_the_subnet_asked_for_inside_the_range_and_the_same_request_gives_the_same_pool()
    {
        var byDefault = await Plugin.Ok("/IpamDriver.RequestPool", """{"AddressSpace":"weavelocal","Pool":"","SubPool":"","Options":{},"V6":false}""");
        Assert.Equal(PluginDaemon.DefaultSubnet, byDefault["Pool"]);
        Assert.Empty(byDefault.Json.GetProperty("Data").EnumerateObject()); // no gateway: dockerd asks for one, allocated like any address

        const string asked = """{"AddressSpace":"weavelocal","Pool":"10.63.20.0/24","SubPool":"10.63.20.128/25","Options":null,"V6":false}""";
        var first = await Plugin.Ok("/IpamDriver.RequestPool", asked);
        Assert.Equal("10.63.20.0/24", first["Pool"]);
        Assert.Equal(first["PoolID"], (await Plugin.Ok("/IpamDriver.RequestPool", asked))["PoolID"]);
        await Plugin.Ok("/IpamDriver.ReleasePool", $$"""{"PoolID":"{{first["PoolID"]}}"}""");

        await Plugin.Refused("/IpamDriver.RequestPool", """{"Pool":"192.168.7.0/24"}""", "not inside the range 10.63.0.0/16");
        await Plugin.Refused("/IpamDriver.RequestPool", """{"Pool":"10.63.20.0/24","SubPool":"10.63.21.0/25"}""", "not inside the subnet 10.63.20.0/24");
        await Plugin.Refused("/IpamDriver.RequestPool", """{"Pool":"","SubPool":"10.63.21.0/25"}""", "needs a subnet");
        await Plugin.Refused("/IpamDriver.RequestPool", """{"Pool":"10.63.20.5/24"}""", "host bits");
        await Plugin.Refused("/IpamDriver.RequestPool", """{"Pool":"","V6":true}""", "no IPv6 default pool");
    }

    [Fact]
    public async Task Addresses_are_allocated_in_the_pool_claimed_exactly_and_released_and_the_daemon_lists_each_under_an_ident_of_its_own()
    {
        var pool = (await Plugin.Ok("/IpamDriver.RequestPool", """{"Pool":"10.63.30.0/24","SubPool":"10.63.30.64/26"}"""))["PoolID"];
        string Request(string address, bool gateway = false) =>
            $$"""{"PoolID":"{{pool}}","Address":"{{address}}","Options":{{(gateway ? """{"RequestAddressType":"com.docker.network.gateway"}""" : "null")}}}""";

        var gateway = (await Plugin.Ok("/IpamDriver.RequestAddress", Request("", gateway: true)))["Address"];
        var first = (await Plugin.Ok("/IpamDriver.RequestAddress", Request("")))["Address"];
        var second = (await Plugin.Ok("/IpamDriver.RequestAddress", Request("")))["Address"];
        var claimed = (await Plugin.Ok("/IpamDriver.RequestAddress", Request("10.63.30.250")))["Address"];
        output.WriteLine($"gateway {gateway}, allocated {first} {second}, claimed {claimed}");
        Assert.Equal("10.63.30.250/24", claimed);
        string[] allocated = [gateway, first, second];
        Assert.Equal(3, allocated.Distinct().Count());
        foreach (var a in allocated)
        {
            // In the IP range, with the network's prefix.
            Assert.EndsWith("/24", a, StringComparison.Ordinal);
            var last = int.Parse(a.Split('/')[0].Split('.')[3], System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(a.StartsWith("10.63.30.", StringComparison.Ordinal) && last is > 64 and < 127, $"{a} is not in the IP range 10.63.30.64/26");
        }

        var held = (await fixture.Held()).Where(h => h.Addresses.Any(a => a.StartsWith("10.63.30.", StringComparison.Ordinal))).ToList();
        Assert.Equal(4, held.Count);
        Assert.All(held, h => Assert.StartsWith("docker-ipam:", h.Ident, StringComparison.Ordinal));
        Assert.All(held, h => Assert.False(h.Container, $"{h.Ident} is marked as a container: Docker's events would release it"));
        Assert.Single(held, h => h.Ident.StartsWith("docker-ipam:gateway:", StringComparison.Ordinal) && h.Addresses[0].StartsWith(gateway.Split('/')[0] + "/", StringComparison.Ordinal));
        Assert.Equal(4, held.Select(h => h.Ident).Distinct().Count());

        // An address held already, by Docker or anyone else, is refused; so is one outside the pool.
        await Plugin.Refused("/IpamDriver.RequestAddress", Request("10.63.30.250"), "10.63.30.250");
        await Plugin.Refused("/IpamDriver.RequestAddress", Request(first.Split('/')[0]), first.Split('/')[0]);
        await Plugin.Refused("/IpamDriver.RequestAddress", Request("10.63.31.5"), "outside pool 10.63.30.0/24");
        await Plugin.Refused("/IpamDriver.RequestAddress", Request("10.63.30.0"), "network or broadcast");
        await Plugin.Refused("/IpamDriver.RequestAddress", Request("10.63.30.255"), "network or broadcast");

        // Released: gone from the daemon, and can be claimed again; a second release is no error.
        var release = $$"""{"PoolID":"{{pool}}","Address":"{{first.Split('/')[0]}}"}""";
        await Plugin.Ok("/IpamDriver.ReleaseAddress", release);
        Assert.DoesNotContain(await fixture.Held(), h => h.Addresses.Any(a => a.StartsWith(first.Split('/')[0] + "/", StringComparison.Ordinal)));
        await Plugin.Ok("/IpamDriver.ReleaseAddress", release);
        Assert.Equal(first, (await Plugin.Ok("/IpamDriver.RequestAddress", Request(first.Split('/')[0])))["Address"]);
    }

    [Fact]
    public async Task An_address_another_front_end_holds_is_neither_handed_to_Docker_nor_released_by_it()
    {
        var pool = (await Plugin.Ok("/IpamDriver.RequestPool", """{"Pool":"10.63.40.0/24"}"""))["PoolID"];
        var cli = (await fixture.Daemon.AllocateAsync("plugin-test-cli", "10.63.40.0/24")).Split('/')[0];
        await Plugin.Refused("/IpamDriver.RequestAddress", $$"""{"PoolID":"{{pool}}","Address":"{{cli}}"}""", "plugin-test-cli");
        await Plugin.Refused("/IpamDriver.ReleaseAddress", $$"""{"PoolID":"{{pool}}","Address":"{{cli}}"}""", "not by Docker");
        Assert.Contains(await fixture.Held(), h => h.Ident == "plugin-test-cli" && h.Addresses.Single().StartsWith(cli + "/", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("/IpamDriver.RequestPool", null, "empty request body")]
    [InlineData("/IpamDriver.RequestPool", "", "empty request body")]
    [InlineData("/IpamDriver.RequestPool", "null", "null")]
    [InlineData("/IpamDriver.RequestPool", "{\"Pool\":", "malformed JSON")]
    [InlineData("/IpamDriver.RequestPool", "[1,2]", "wrong type")]
    [InlineData("/IpamDriver.RequestPool", "{\"Pool\":24}", "wrong type at $.Pool")]
    [InlineData("/IpamDriver.RequestPool", "{\"V6\":\"yes\"}", "wrong type at $.V6")]
    [InlineData("/IpamDriver.RequestPool", "{\"Pool\":\"10.63.50.0\"}", "invalid subnet")]
    [InlineData("/IpamDriver.RequestPool", "{\"Pool\":\"not a subnet/24\"}", "invalid subnet")]
    [InlineData("/IpamDriver.RequestPool", "{\"Options\":{\"a\":1}}", "wrong type at $.Options")]
    [InlineData("/IpamDriver.ReleasePool", "{}", "missing PoolID")]
    [InlineData("/IpamDriver.ReleasePool", "{\"PoolID\":\"weave-pool-7\"}", "unknown PoolID")]
    [InlineData("/IpamDriver.RequestAddress", null, "empty request body")]
    [InlineData("/IpamDriver.RequestAddress", "{\"Address\":\"\"}", "missing PoolID")]
    [InlineData("/IpamDriver.RequestAddress", "{\"PoolID\":\"10.63.50.0/24,10.63.60.0/24\"}", "unknown PoolID")]
    [InlineData("/IpamDriver.RequestAddress", "{\"PoolID\":\"10.99.0.0/24\"}", "not inside the range")]
    [InlineData("/IpamDriver.RequestAddress", "{\"PoolID\":\"10.63.50.0/24\",\"Address\":\"10.63.50.300\"}", "invalid Address")]
    [InlineData("/IpamDriver.RequestAddress", "{\"PoolID\":5}", "wrong type at $.PoolID")]
    [InlineData("/IpamDriver.ReleaseAddress", "{\"PoolID\":\"10.63.50.0/24\"}", "missing Address")]
    [InlineData("/IpamDriver.ReleaseAddress", "{\"PoolID\":\"10.63.50.0/24\",\"Address\":\"x\"}", "invalid Address")]
    public async Task Malformed_requests_get_Err_with_the_reason_and_change_nothing(string path, string? body, string expected)
    {
        var before = await fixture.Daemon.GetTextAsync("ip");
        await Plugin.Refused(path, body, expected);
        Assert.Equal(before, await fixture.Daemon.GetTextAsync("ip"));
    }

    [Fact]
    public async Task An_oversized_body_is_refused_and_the_plugin_socket_serves_the_plugin_alone()
    {
        await Plugin.Refused("/IpamDriver.RequestPool", "{\"Pool\":\"" + new string('1', 70_000) + "\"}", "larger than 64 KiB");
        // The API is not reachable through the plugin socket, nor the plugin through the API.
        foreach (var path in new[] { "/ip", "/ip/plugin-test-x", "/connect" })
            Assert.True((await Plugin.Post(path)).Status is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed, $"POST {path} is served on the plugin socket");
        using var apiActivate = await fixture.Daemon.Http.PostAsync("Plugin.Activate", null);
        Assert.Equal(HttpStatusCode.NotFound, apiActivate.StatusCode);
        Assert.DoesNotContain("plugin-test-x", await fixture.Daemon.GetTextAsync("ip"), StringComparison.Ordinal);
    }
}

/// <summary>The plugin socket's file: a stale one (left by kill -9) is replaced at start, and it is removed at a graceful stop.</summary>
public sealed class PluginSocketFileTests : IDisposable
{
    private readonly string _workDir = Directory.CreateTempSubdirectory("wo-plugsock-").FullName;
    private DaemonProcess? _daemon;

    [Fact]
    public async Task A_stale_plugin_socket_is_replaced_at_start_and_removed_at_stop()
    {
        var socket = Path.Combine(_workDir, "stale.sock");
        // A socket file nobody listens on. Bound elsewhere and moved, because disposing a bound
        // socket removes the file it was bound to.
        var bound = Path.Combine(_workDir, "bound.sock");
        using (var stale = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
        {
            stale.Bind(new UnixDomainSocketEndPoint(bound));
            File.Move(bound, socket);
        }
        Assert.True(File.Exists(socket), "no stale socket file to start with");
        var daemon = _daemon = new DaemonProcess("7e:00:00:00:63:02", "plugsock", _workDir, "10.64.0.0/24", "consensus=1", ["--plugin-socket", socket]);
        daemon.Start();
        await daemon.WaitForHttpAsync(TimeSpan.FromSeconds(60));
        using (var plugin = new PluginClient(socket))
            await plugin.Ok("/Plugin.Activate");
        Assert.Equal(0, await daemon.TerminateAsync(TimeSpan.FromSeconds(30)));
        Assert.False(File.Exists(socket), "the plugin socket is left behind after a graceful stop");
    }

    public void Dispose() => DaemonProcess.DisposeAll(_daemon is null ? [] : [_daemon], _workDir, _ => { });
}
