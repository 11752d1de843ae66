using WeaveOrleans.Contract;
using WeaveOrleans.Ipam.Addresses;
using WeaveOrleans.Ipam.Allocation;
using WeaveOrleans.Ipam.Peers;
using WeaveOrleans.Ipam.Pools;

namespace WeaveOrleans.Grains;

/// <summary>
/// Everything one host is launched with: identity, IPAM settings, timings, storage and the peer
/// transport. Built by the host's command line (or by tests) and registered as a singleton.
/// </summary>
public sealed record HostOptions
{
    public required PeerName PeerName { get; init; }

    public string Nickname { get; init; } = Environment.MachineName;

    /// <summary>--ipalloc-range.</summary>
    public Cidr Range { get; init; } = Cidr.Parse(DaemonDefaults.IpallocRange);

    /// <summary>--ipalloc-default-subnet; the whole range when null.</summary>
    public Cidr? DefaultSubnet { get; init; }

    /// <summary>--ipalloc-init text: consensus[=N], seed=NAME,... or observer.</summary>
    public string? InitText { get; init; }

    /// <summary>Peers named at launch (used for the consensus quorum when no count is given).</summary>
    public IReadOnlyList<string> Peers { get; init; } = [];

    /// <summary>Whether to dial addresses learned from peers (Weave's <c>--no-discovery</c> turns this off).</summary>
    public bool PeerDiscovery { get; init; } = true;

    /// <summary>--conn-limit: at most this many peer connections (0: no limit). Weave's default.</summary>
    public int ConnectionLimit { get; init; } = DaemonDefaults.ConnectionLimit;

    /// <summary>--conn-rotation-interval: how often a host at its connection limit swaps its oldest connection for another peer (zero: never).</summary>
    public TimeSpan ConnectionRotationInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>-initpeercount.</summary>
    public int? InitPeerCount { get; init; }

    public TimeSpan ContainerDeathGrace { get; init; } = TimeSpan.FromSeconds(30);

    public TimeSpan TickInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Periodic whole-state gossip (Weave: 30 s).</summary>
    public TimeSpan GossipInterval { get; init; } = TimeSpan.FromSeconds(30);

    public string DataDirectory { get; init; } = "./data";

    /// <summary>"sqlite" or "postgres".</summary>
    public string StorageProvider { get; init; } = "sqlite";

    public string? StorageConnection { get; init; }

    public string? Password { get; init; }

    /// <summary>Where the peer transport listens (--host/--port).</summary>
    public string ListenHost { get; init; } = "0.0.0.0";

    public int ListenPort { get; init; } = 6783;

    /// <summary>The address pool this host's allocator serves; one today.</summary>
    public PoolId Pool { get; init; } = PoolId.Default;

    /// <summary>The grain key and store key: <see cref="AllocatorKey"/> of the pool and the peer name.</summary>
    public string HostKey => AllocatorKey.For(Pool, PeerName);

    /// <summary>The engine configuration; throws <see cref="IpamFormatException"/> or <see cref="ArgumentException"/> for bad input.</summary>
    public AllocatorConfig ToAllocatorConfig()
    {
        var config = new AllocatorConfig(Range, InitMode.Parse(InitText, Peers.Count, InitPeerCount))
        {
            DefaultSubnet = DefaultSubnet ?? Range,
            ContainerDeathGrace = ContainerDeathGrace,
            TickInterval = TickInterval,
        };
        if (config.Problem() is { } problem)
            throw new ArgumentException(problem);
        return config;
    }
}
