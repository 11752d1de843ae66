using WeaveOrleans.Ipam.Allocation;

namespace WeaveOrleans.Simulation;

/// <summary>Delivered messages and their encoded bytes by kind, so a run shows what gossip costs.</summary>
public sealed class MessageTally
{
    private readonly Dictionary<string, (long Count, long Bytes)> _byKind = [];

    public IReadOnlyDictionary<string, (long Count, long Bytes)> ByKind => _byKind;

    public static string KindOf(PeerMessage message) => message switch
    {
        Gossip { Ring: null, Paxos: not null } => "consensus gossip",
        Gossip { Ring: null } => "gossip without ring",
        Gossip { Ring.IsDelta: true } => "ring delta",
        Gossip => "whole ring",
        _ => message.GetType().Name,
    };

    public void Add(string kind, long count, long bytes)
    {
        var (c, b) = _byKind.GetValueOrDefault(kind);
        _byKind[kind] = (c + count, b + bytes);
    }

    public void Add(MessageTally other)
    {
        foreach (var (kind, (count, bytes)) in other._byKind)
            Add(kind, count, bytes);
    }

    public override string ToString() =>
        string.Join(", ", _byKind.OrderBy(kv => kv.Key).Select(kv =>
            $"{kv.Key} {kv.Value.Count} ({kv.Value.Bytes / (double)Math.Max(kv.Value.Count, 1):0} B avg)"));
}
