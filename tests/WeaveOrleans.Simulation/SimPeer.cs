using WeaveOrleans.Ipam.Allocation;
using WeaveOrleans.Ipam.Peers;

namespace WeaveOrleans.Simulation;

/// <summary>One allocator plus what a host would keep for it: its persisted state and the answers it got.</summary>
public sealed class SimPeer(PeerName name, string nickname, AllocatorConfig config, Allocator allocator)
{
    public PeerName Name { get; } = name;

    public string Nickname { get; } = nickname;

    public AllocatorConfig Config { get; } = config;

    public Allocator Allocator { get; internal set; } = allocator;

    public bool Up { get; internal set; } = true;

    /// <summary>What a crash leaves behind: the last persisted snapshot and per-ident rows.</summary>
    public AllocatorSnapshot? PersistedSnapshot { get; internal set; }

    public Dictionary<string, OwnedAddresses> PersistedRows { get; } = [];

    public Dictionary<long, Outcome> Answers { get; } = [];

    public List<LogEvent> Log { get; } = [];

    /// <summary>What the peer held when it last crashed, to compare with what it restores.</summary>
    public Dictionary<string, HashSet<WeaveOrleans.Ipam.Addresses.Cidr>>? OwnedAtCrash { get; set; }

    /// <summary>Does what a host does with effects: persist first, then answer and send.</summary>
    internal IEnumerable<Outgoing> Absorb(Effects effects)
    {
        foreach (var (ident, owned) in effects.Rows)
            if (owned is not null)
                PersistedRows[ident] = owned;
            else
                PersistedRows.Remove(ident);
        if (effects.Snapshot is { } snapshot)
            PersistedSnapshot = snapshot;
        foreach (var completion in effects.Completions)
            Answers[completion.RequestId] = completion.Outcome;
        Log.AddRange(effects.Log);
        return effects.Messages;
    }

    public override string ToString() => $"{Nickname}({Name})";
}
