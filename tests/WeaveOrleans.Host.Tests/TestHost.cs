using Orleans.TestingHost;
using WeaveOrleans.Gossip.InMemory;
using WeaveOrleans.Grains;
using WeaveOrleans.Host;
using WeaveOrleans.Ipam.Addresses;
using WeaveOrleans.Ipam.Peers;
using WeaveOrleans.Contract.Api;

namespace WeaveOrleans.Host.Tests;

/// <summary>
/// One simulated host: its own one-silo Orleans cluster with the host allocator grain, SQLite storage
/// in its own directory, and a transport on a shared in-memory peer network.
/// </summary>
public sealed class TestHost : IAsyncDisposable
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(200);

    private TestHost(string nick, PeerName name, string dataDir, InProcessTestCluster cluster)
    {
        Nick = nick;
        Name = name;
        DataDir = dataDir;
        Cluster = cluster;
    }

    public string Nick { get; }

    public PeerName Name { get; }

    public string DataDir { get; }

    public InProcessTestCluster Cluster { get; }

    public bool Stopped { get; private set; }

    public IHostAllocatorGrain Grain => Cluster.Client.GetGrain<IHostAllocatorGrain>(AllocatorKey.For(Ipam.Pools.PoolId.Default, Name));

    public static string AddressOf(string nick) => $"mem:{nick}";

    /// <summary>A stable peer name per nickname, so restarts and seeds can name it.</summary>
    public static PeerName NameOf(string nick) =>
        new(0x02_00_00_00_00_00UL | (ulong)(uint)StringComparer.Ordinal.GetHashCode(nick) % 0xFFFF_FFFFUL);

    public static async Task<TestHost> StartAsync(
        InMemoryPeerNetwork network, string nick, string dataDir, string range = "10.32.0.0/12",
        string? init = null, IEnumerable<string>? peers = null)
    {
        var name = NameOf(nick);
        var options = new HostOptions
        {
            PeerName = name,
            Nickname = nick,
            Range = Cidr.Parse(range),
            InitText = init,
            Peers = [.. (peers ?? []).Select(AddressOf)],
            TickInterval = Interval,
            GossipInterval = Interval,
            DataDirectory = dataDir,
        };
        var builder = new InProcessTestClusterBuilder(1);
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureSilo((_, silo) =>
            silo.AddWeaveHost(options, _ => network.CreateTransport(name, AddressOf(nick))));
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return new TestHost(nick, name, dataDir, cluster);
    }

    public async Task<string> AllocateAsync(string ident, string? subnet = null)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var reply = await Grain.Allocate(ident, subnet is null ? null : Cidr.Parse(subnet), isContainer: true, timeout.Token);
        Assert.True(reply.IsOk, $"{Nick}: allocate {ident}: {reply.Kind} {reply.Error}");
        return reply.Address!.Value.ToString();
    }

    public Task<IpamStatus> StatusAsync() => Grain.Status();

    /// <summary>Stops the silo; its transport goes away with it, so its peers see it disconnect.</summary>
    public async Task StopAsync()
    {
        if (Stopped)
            return;
        Stopped = true;
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync();
        }
        catch (Exception)
        {
            // Best effort at the end of a test.
        }
    }
}

/// <summary>A set of hosts on one in-memory network, with temp data directories removed at the end.</summary>
public sealed class TestNetwork : IAsyncDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "weave-host-tests", Guid.NewGuid().ToString("n"));
    private readonly List<TestHost> _hosts = [];

    public InMemoryPeerNetwork Network { get; } = new();

    public string DataDirFor(string nick) => Path.Combine(_root, nick);

    public async Task<TestHost> StartAsync(string nick, string range = "10.32.0.0/12", string? init = null, params string[] peers)
    {
        var host = await TestHost.StartAsync(Network, nick, DataDirFor(nick), range, init, peers);
        lock (_hosts)
            _hosts.Add(host);
        return host;
    }

    public async Task<TestHost[]> StartAllAsync(string range, string? init, params (string Nick, string[] Peers)[] hosts) =>
        await Task.WhenAll(hosts.Select(h => StartAsync(h.Nick, range, init, h.Peers)));

    public async ValueTask DisposeAsync()
    {
        List<TestHost> hosts;
        lock (_hosts)
            hosts = [.. _hosts];
        foreach (var host in hosts)
            await host.DisposeAsync();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

public static class Poll
{
    /// <summary>Polls <paramref name="condition"/> until it holds or the deadline passes (then fails with <paramref name="what"/>).</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, string what, double seconds = 20)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(seconds);
        while (true)
        {
            if (await condition())
                return;
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"timed out waiting for: {what}");
            await Task.Delay(50);
        }
    }

    /// <summary>The ring as a comparable string: token, owner and version of every entry.</summary>
    public static string Ring(IpamStatus status) =>
        string.Join(";", status.Entries.Select(e => $"{e.Token}>{e.Peer}@{e.Version}"));

    public static async Task RingsConvergeAsync(params TestHost[] hosts) =>
        await UntilAsync(async () =>
        {
            var rings = await Task.WhenAll(hosts.Select(async h => Ring(await h.StatusAsync())));
            return rings[0].Length > 0 && rings.All(r => r == rings[0]);
        }, $"rings of {string.Join(",", hosts.Select(h => h.Nick))} converge");
}
