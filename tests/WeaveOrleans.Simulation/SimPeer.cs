using WeaveOrleans.Driver;
using WeaveOrleans.Ipam.Allocation;
using WeaveOrleans.Ipam.Peers;

namespace WeaveOrleans.Simulation;

/// <summary>
/// One simulated host: the driver the daemon runs (engine, persist-then-send-then-answer) over its part
/// of the simulated disk, plus what the test keeps about it: the answers its requests got.
/// </summary>
public sealed class SimPeer
{
    internal SimPeer(PeerName name, string nickname, AllocatorConfig config, SimulatedDisk disk)
    {
        Name = name;
        Nickname = nickname;
        Config = config;
        Disk = disk;
    }

    public PeerName Name { get; }

    public string Nickname { get; }

    public AllocatorConfig Config { get; }

    /// <summary>The current incarnation; a restart or re-activation replaces it.</summary>
    public AllocatorDriver Driver { get; internal set; } = null!;

    /// <summary>Commits of the current incarnation not yet durable.</summary>
    internal CommitTracker Commits { get; set; } = null!;

    public Allocator Allocator => Driver.Engine;

    public bool Up { get; internal set; } = true;

    public string HostKey => Name.ToString();

    internal SimulatedDisk Disk { get; }

    /// <summary>The driver hit a storage failure: the host starts it again from what is durable.</summary>
    internal bool NeedsReactivation { get; set; }

    /// <summary>What a restart would load: the snapshot on the simulated disk, decoded.</summary>
    public AllocatorSnapshot? PersistedSnapshot => StoredAllocator.Decode(Disk.Peek(HostKey)).Snapshot;

    /// <summary>What a restart would load: the rows on the simulated disk, decoded.</summary>
    public IReadOnlyDictionary<string, OwnedAddresses> PersistedRows => StoredAllocator.Decode(Disk.Peek(HostKey)).Rows;

    public Dictionary<long, Outcome> Answers { get; } = [];

    public List<LogEvent> Log { get; } = [];

    /// <summary>What the peer held when it last crashed, to compare with what it restores.</summary>
    public Dictionary<string, HashSet<WeaveOrleans.Ipam.Addresses.Cidr>>? OwnedAtCrash { get; set; }

    /// <summary>Idents whose changes were not yet durable when it last crashed: a crash may take those back.</summary>
    public IReadOnlySet<string> UnsettledAtCrash { get; internal set; } = new HashSet<string>();

    /// <summary>For each answer the current driver has flushed, when (on the network's sequence).</summary>
    internal Dictionary<long, long> FlushedAt { get; } = [];

    /// <summary>Set when an answer went out before the commit it depends on was durable: a broken promise.</summary>
    public string? AnsweredBeforeDurable { get; internal set; }

    public override string ToString() => $"{Nickname}({Name})";
}
