using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using WeaveOrleans.Contract;
using Xunit.Abstractions;

namespace WeaveOrleans.EndToEnd.Tests;

/// <summary>
/// Docker's own client as the front-end: each host's dockerd finds its daemon's IPAM driver through
/// a spec file of a unique name (dockerd's plugin directories are the machine's, and it names the
/// driver after the file), and <c>docker network create --ipam-driver</c> and <c>docker run</c> get
/// their addresses from the ring the two daemons share.
/// </summary>
[Collection(TwoHostCollection.Name)]
public sealed class DockerPluginTests(TwoHostLab lab, ITestOutputHelper output)
{
    private const string Universe = "10.2.0.0/16";
    private const string Subnet = "10.2.5.0/24";
    private const string DefaultSubnet = "10.2.8.0/24";
    private const string SpecDirectory = "/etc/docker/plugins";

    [SkippableFact]
    public async Task Containers_on_two_hosts_get_distinct_addresses_from_the_ring_through_Dockers_IPAM_driver()
    {
        await using var s = lab.Scenario("docker-plugin", output);
        var (h1, h2) = (s.Peers[0], s.Peers[1]);
        var tag = RandomNumberGenerator.GetHexString(6, lowercase: true);
        var drivers = s.Peers.Select(p => $"wo{tag}{p.Host.Index}").ToArray();
        var sockets = s.Peers.Select(p => Path.Combine(p.DataDir, "plugin.sock")).ToArray();
        var specs = drivers.Select(d => Path.Combine(SpecDirectory, d + ".spec")).ToArray();
        var networks = new List<(Peer Peer, string Name)>();
        Directory.CreateDirectory(SpecDirectory);
        try
        {
            for (var i = 0; i < 2; i++)
                File.WriteAllText(specs[i], $"unix://{sockets[i]}\n");
            await Task.WhenAll(
                h1.Launch("--ipalloc-range", Universe, "--ipalloc-default-subnet", DefaultSubnet, "--ipalloc-init", "consensus=2", "--plugin-socket", sockets[0], h2.Address),
                h2.Launch("--ipalloc-range", Universe, "--ipalloc-default-subnet", DefaultSubnet, "--ipalloc-init", "consensus=2", "--plugin-socket", sockets[1], h1.Address));
            await Task.WhenAll(h1.Ok("prime"), h2.Ok("prime"));

            // The same subnet on both hosts' Docker, one ring behind it.
            var net = $"wo{tag}net";
            foreach (var (peer, driver) in s.Peers.Zip(drivers))
            {
                await Docker(peer, "network", "create", "-d", "bridge", "--ipam-driver", driver, "--subnet", Subnet, net);
                networks.Add((peer, net));
            }
            var containers = new List<(Peer Peer, string Id)>();
            foreach (var peer in new[] { h1, h2, h1, h2 })
                containers.Add((peer, await Docker(peer, "run", "-d", "--network", net, Peer.Image, "sleep", "3600")));
            var addresses = new List<string>();
            foreach (var (peer, id) in containers)
                addresses.Add(Assert.Single(await peer.ContainerAddresses(id)));
            var gateways = await Task.WhenAll(s.Peers.Select(p => Gateway(p, net)));
            output.WriteLine($"containers {string.Join(' ', addresses)}; gateways {string.Join(' ', gateways)}");
            Assert.All(addresses, a => Assert.True(a.StartsWith("10.2.5.", StringComparison.Ordinal) && a.EndsWith("/24", StringComparison.Ordinal), $"{a} is not in {Subnet}"));
            Assert.All(gateways, g => Assert.StartsWith("10.2.5.", g, StringComparison.Ordinal));
            var all = addresses.Select(Bare).Concat(gateways).ToList();
            Assert.True(all.Distinct().Count() == all.Count, $"an address is given twice: {string.Join(' ', all)}");

            // What Docker holds, one daemon or the other lists under idents of Docker's own; nothing else.
            var held = await Task.WhenAll(s.Peers.Select(DockerHeld));
            Assert.Equal(all.Order(), held.SelectMany(h => h).Order());

            // --ip claims exactly that address; the other host's Docker cannot have it while it is held.
            var fixedOn2 = await Docker(h2, "run", "-d", "--network", net, "--ip", "10.2.5.200", Peer.Image, "sleep", "3600");
            Assert.Equal("10.2.5.200/24", Assert.Single(await h2.ContainerAddresses(fixedOn2)));
            var taken = await h1.Host.Docker("run", "-d", "--network", net, "--ip", "10.2.5.200", Peer.Image, "sleep", "3600");
            Assert.False(taken.Ok, $"host1's Docker was given 10.2.5.200, which host2's container holds: {taken}");
            Assert.Contains("10.2.5.200", taken.Err, StringComparison.Ordinal);
            await s.AssertNoAddressOnTwoHolders();

            // docker rm -f releases it: gone from host2's daemon, and host1's Docker can have it now.
            await Docker(h2, "rm", "-f", fixedOn2);
            await Poll.Until(async () => !(await DockerHeld(h2)).Contains("10.2.5.200"), TimeSpan.FromSeconds(10), "host2's daemon releases 10.2.5.200 after docker rm -f");
            await RemoveFailedContainers(h1);
            var fixedOn1 = await Docker(h1, "run", "-d", "--network", net, "--ip", "10.2.5.200", Peer.Image, "sleep", "3600");
            Assert.Equal("10.2.5.200/24", Assert.Single(await h1.ContainerAddresses(fixedOn1)));

            // A network created without --subnet gets the default subnet.
            var plain = $"wo{tag}def";
            await Docker(h2, "network", "create", "-d", "bridge", "--ipam-driver", drivers[1], plain);
            networks.Add((h2, plain));
            Assert.Equal(DefaultSubnet, await Docker(h2, "network", "inspect", "-f", "{{range .IPAM.Config}}{{.Subnet}}{{end}}", plain));
            var inDefault = Assert.Single(await h2.ContainerAddresses(await Docker(h2, "run", "-d", "--network", plain, Peer.Image, "sleep", "3600")));
            Assert.StartsWith("10.2.8.", inDefault, StringComparison.Ordinal);
            await s.AssertNoAddressOnTwoHolders();

            // Malformed requests straight to the driver are answered with Err, and the daemon goes on.
            var malformed = await PostToPlugin(sockets[0], "/IpamDriver.RequestAddress", "{\"PoolID\":");
            Assert.Contains("\"Err\":", malformed, StringComparison.Ordinal);

            // Removing the containers and networks gives every address back, the gateways too.
            foreach (var peer in s.Peers)
                await RemoveAllContainers(peer);
            foreach (var (peer, name) in networks)
                await Docker(peer, "network", "rm", name);
            networks.Clear();
            foreach (var peer in s.Peers)
                await Poll.Until(async () => (await DockerHeld(peer)).Count == 0, TimeSpan.FromSeconds(10), $"{peer.Host.Name}'s daemon holds nothing for Docker once its containers and networks are gone");
        }
        finally
        {
            foreach (var (peer, name) in networks)
            {
                await RemoveAllContainers(peer);
                await peer.Host.Docker("network", "rm", name);
            }
            foreach (var spec in specs)
                File.Delete(spec);
        }
    }

    private static string Bare(string cidr) => cidr.Split('/')[0];

    /// <summary>The gateway the driver gave a network: the address on its bridge (Docker's inspect shows only a gateway the user gave).</summary>
    private async Task<string> Gateway(Peer peer, string network)
    {
        var id = await Docker(peer, "network", "inspect", "-f", "{{.Id}}", network);
        var show = await peer.Host.Inside("ip", "-o", "-4", "addr", "show", "dev", "br-" + id[..12]);
        Assert.True(show.Ok, show.ToString());
        var inet = show.Out.Split(' ', StringSplitOptions.RemoveEmptyEntries).SkipWhile(w => w != "inet").Skip(1).FirstOrDefault();
        Assert.True(inet is not null, $"{peer.Host.Name}: no address on the bridge of {network}: {show.Out}");
        Assert.EndsWith("/24", inet, StringComparison.Ordinal);
        return Bare(inet);
    }

    private async Task<string> Docker(Peer peer, params string[] args)
    {
        var outcome = await peer.Host.Docker(args);
        output.WriteLine($"{peer.Host.Name}: docker {string.Join(' ', args)} -> {outcome.Code}");
        Assert.True(outcome.Ok, $"{peer.Host.Name}: {outcome}");
        return outcome.Out.Trim();
    }

    private static async Task RemoveAllContainers(Peer peer)
    {
        var ids = (await peer.Host.Docker("ps", "-aq")).Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (ids.Length > 0)
            await peer.Host.Docker(["rm", "-f", .. ids]);
    }

    /// <summary>A refused <c>docker run</c> can leave a created container behind: removed so it does not count.</summary>
    private static async Task RemoveFailedContainers(Peer peer)
    {
        var ids = (await peer.Host.Docker("ps", "-aq", "--filter", "status=created")).Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (ids.Length > 0)
            await peer.Host.Docker(["rm", "-f", .. ids]);
    }

    /// <summary>The bare addresses the peer's daemon holds for Docker (its <c>GET /ip</c>, idents <c>docker-ipam:...</c>).</summary>
    private static async Task<List<string>> DockerHeld(Peer peer)
    {
        using var http = SocketClient(Path.Combine(peer.DataDir, "weave.sock"));
        using var doc = JsonDocument.Parse(await http.GetStringAsync("ip"));
        return [.. doc.RootElement.GetProperty("owned").EnumerateArray()
            .Where(e => e.GetProperty("containerid").GetString()!.StartsWith("docker-ipam:", StringComparison.Ordinal))
            .SelectMany(e => e.GetProperty("addrs").EnumerateArray().Select(a => Bare(a.GetString()!)))];
    }

    private static async Task<string> PostToPlugin(string socket, string path, string body)
    {
        using var http = SocketClient(socket);
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var reply = await http.PostAsync(path.TrimStart('/'), content);
        return await reply.Content.ReadAsStringAsync();
    }

    private static HttpClient SocketClient(string path) => new(UnixSocketHttp.Handler(path))
    { BaseAddress = UnixSocketHttp.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
}
