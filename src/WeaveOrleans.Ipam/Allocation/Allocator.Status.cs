using WeaveOrleans.Ipam.Addresses;
using WeaveOrleans.Ipam.Consensus;

namespace WeaveOrleans.Ipam.Allocation;

public sealed partial class Allocator
{
    /// <summary>The one-line state, Weave's wording: the first case that applies.</summary>
    public string StatusLine()
    {
        if (RemovedFromNetwork)
            return RemovedStatus;
        if (_shuttingDown)
            return "shutting down";
        if (_pending.Allocates.Any())
            return _pending.Allocates.All(op => op.NoDonor) && Ring.Peers().Any(p => !IsReachable(p))
                ? "all IP ranges owned by unreachable peers - use 'rmpeer' if they are dead"
                : "waiting for IP(s) to become available";
        if (!Ring.IsEmpty)
            return "ready";
        if (_bootstrap.Progress is { Elector: true } elector && _bootstrap.AwaitingConsensus)
            return $"awaiting consensus (quorum: {elector.Quorum}, known: {elector.KnownNodes})";
        if (_bootstrap.IsObserver)
            return "priming";
        return "idle";
    }

    public AllocatorStatus Status()
    {
        var entries = new List<RangeStatus>();
        for (var i = 0; i < Ring.Count; i++)
        {
            var e = Ring[i];
            var next = Ring[(i + 1) % Ring.Count].Token;
            entries.Add(new RangeStatus(e.Token, Ring.Distance(e.Token, next), e.Peer, _peers.NicknameOf(e.Peer), IsReachable(e.Peer), e.Version));
        }
        var advertised = Ring.FreeByPeer();
        var shares = Ring.SizeByPeer()
            .Select(kv => new PeerShare(kv.Key, _peers.NicknameOf(kv.Key), kv.Value, kv.Key == Self, IsReachable(kv.Key),
                kv.Key == Self ? Ownership.Space.FreeCount : advertised.GetValueOrDefault(kv.Key)))
            .OrderByDescending(s => s.IsSelf).ThenBy(s => s.Peer)
            .ToList();
        return new AllocatorStatus(
            StatusLine(),
            Config.Range,
            Universe.Size,
            ActiveCount,
            Config.DefaultSubnet,
            _bootstrap.Progress is { } p ? new ConsensusStatus(p.Elector, p.KnownNodes, p.Quorum) : null,
            entries,
            shares,
            [.. _pending.Claims.Select(c => $"{c.Ident} {c.Address}")],
            [.. _pending.Allocates.Select(a => a.ToString())],
            LastMergeError?.Message,
            RejectedMerges,
            SubnetsInUse(),
            _idents.CountHeldBy(_dead.Ids));
    }

    /// <summary>The default subnet and every subnet an address is held in, with the count held in each.</summary>
    private List<SubnetUse> SubnetsInUse()
    {
        var counts = new Dictionary<Cidr, int> { [Config.DefaultSubnet] = 0 };
        foreach (var cidr in _idents.AllCidrs())
        {
            var subnet = new Cidr(cidr.Network, cidr.PrefixLength);
            counts[subnet] = counts.GetValueOrDefault(subnet) + 1;
        }
        return [.. counts.OrderBy(kv => kv.Key.Network).ThenBy(kv => kv.Key.PrefixLength).Select(kv => new SubnetUse(kv.Key, kv.Value))];
    }
}
