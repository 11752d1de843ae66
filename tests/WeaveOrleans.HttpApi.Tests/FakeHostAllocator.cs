using WeaveOrleans.Grains;
using WeaveOrleans.Ipam.Addresses;
using WeaveOrleans.Contract.Api;

namespace WeaveOrleans.HttpApi.Tests;

/// <summary>
/// An in-memory stand-in for the host grain, just enough for the API scenarios: the lowest free host
/// address of the subnet, lookup, free, delete and reuse, and a mode where allocations wait until
/// they are cancelled (by the caller's token or by <see cref="ContainerDied"/>).
/// </summary>
internal sealed class FakeHostAllocator(string universe = "10.0.0.0/8", string? defaultSubnet = null) : IHostAllocatorGrain
{
    private readonly object _lock = new();
    private readonly Cidr _universe = Cidr.ParseSubnet(universe);
    private readonly List<(string Ident, Cidr Cidr, bool IsContainer)> _held = [];
    private readonly List<(string Ident, TaskCompletionSource<IpamReply> Reply)> _pending = [];
    private TaskCompletionSource _ring = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string DefaultSubnet { get; } = defaultSubnet ?? universe;

    /// <summary>Allocations wait (as with no quorum) until cancelled.</summary>
    public bool BlockAllocations { get; set; }

    /// <summary>When a waiting call is cancelled through its token: throw instead of replying Cancelled.</summary>
    public bool ThrowOnCancel { get; set; }

    public bool HasRing { get; private set; }

    public bool IsShutDown { get; private set; }

    public int StatusCalls;

    public Exception? FailStatusWith { get; set; }

    public Dictionary<string, int> DeadPeers { get; } = [];

    public string[] RangeReport { get; set; } = [];

    public int RejectedMerges { get; set; }

    /// <summary>What status reports as the ring's peers; by default this peer alone, owning the universe.</summary>
    public PeerSpace[]? Peers { get; set; }

    public int DeadContainerAddresses { get; set; }

    /// <summary>What status reports as claims waiting, each <c>IDENT CIDR</c> as the engine writes them.</summary>
    public string[] PendingClaims { get; set; } = [];

    /// <summary>Completes each time a call starts waiting (allocation or prime).</summary>
    public SignalCounter Waiting { get; } = new();

    /// <summary>Completes each time a waiting call sees its token cancelled.</summary>
    public SignalCounter CancellationsSeen { get; } = new();

    public int PendingCount { get { lock (_lock) return _pending.Count; } }

    public (string Ident, string? Subnet, bool IsContainer)? LastAllocate { get; private set; }

    public (string Ident, string Address, bool IsContainer, bool NoErrorOnUnknown)? LastClaim { get; private set; }

    public string? LastFree { get; private set; }

    public string? LastLookupSubnet { get; private set; }

    public void CreateRing()
    {
        HasRing = true;
        _ring.TrySetResult();
    }

    public async Task<IpamReply> Allocate(string ident, Cidr? subnet, bool isContainer, CancellationToken cancellation = default)
    {
        LastAllocate = (ident, subnet?.ToString(), isContainer);
        var cidr = subnet ?? Cidr.ParseSubnet(DefaultSubnet);
        if (!_universe.Range.Contains(cidr.Range))
            return new IpamReply(IpamReplyKind.Failed, Error: $"range {cidr} out of bounds: {_universe}");
        if (BlockAllocations)
            return await Wait(ident, cancellation);
        lock (_lock)
        {
            var mine = _held.FirstOrDefault(h => h.Ident == ident && cidr.Range.Contains(h.Cidr.Address));
            if (mine.Ident is not null)
                return Ok(mine.Cidr);
            var host = cidr.HostRange;
            for (var a = host.Start; a < host.End; a += 1)
            {
                if (_held.Any(h => h.Cidr.Address == a))
                    continue;
                var given = new Cidr(a, cidr.PrefixLength);
                _held.Add((ident, given, isContainer));
                return Ok(given);
            }
        }
        return new IpamReply(IpamReplyKind.Failed, Error: $"no free address in {cidr}");
    }

    private async Task<IpamReply> Wait(string ident, CancellationToken cancellation)
    {
        var reply = new TaskCompletionSource<IpamReply>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
            _pending.Add((ident, reply));
        Waiting.Signal();
        try
        {
            using (cancellation.Register(() =>
            {
                CancellationsSeen.Signal();
                reply.TrySetResult(new IpamReply(IpamReplyKind.Cancelled));
            }))
            {
                var result = await reply.Task;
                if (result.Kind == IpamReplyKind.Cancelled && ThrowOnCancel)
                    cancellation.ThrowIfCancellationRequested();
                return result;
            }
        }
        finally
        {
            lock (_lock)
                _pending.RemoveAll(p => p.Reply == reply);
        }
    }

    private static IpamReply Ok(Cidr cidr) => new(IpamReplyKind.Ok, Address: cidr);

    public Task<IpamReply> Claim(string ident, Cidr cidr, bool isContainer, bool noErrorOnUnknown, CancellationToken cancellation = default)
    {
        LastClaim = (ident, cidr.ToString(), isContainer, noErrorOnUnknown);
        lock (_lock)
        {
            var holder = _held.FirstOrDefault(h => h.Cidr.Address == cidr.Address);
            if (holder.Ident is not null && holder.Ident != ident)
                return Task.FromResult(new IpamReply(IpamReplyKind.Failed, Error: $"address {cidr} already in use by {holder.Ident}"));
            if (holder.Ident is null)
                _held.Add((ident, cidr, isContainer));
        }
        return Task.FromResult(new IpamReply(IpamReplyKind.Ok, Address: cidr));
    }

    public Task<Cidr[]> Lookup(string ident, Cidr? subnet)
    {
        LastLookupSubnet = subnet?.ToString();
        var range = subnet?.Range;
        lock (_lock)
            return Task.FromResult(_held
                .Where(h => h.Ident == ident && (range is null || range.Value.Contains(h.Cidr.Address)))
                .Select(h => h.Cidr).ToArray());
    }

    public Task<OwnedEntry[]> ListAll()
    {
        lock (_lock)
            return Task.FromResult(_held.GroupBy(h => h.Ident)
                .Select(g => new OwnedEntry(g.Key, g.First().IsContainer, [.. g.Select(h => h.Cidr)]))
                .ToArray());
    }

    public Task<string?> HolderOf(Address a) => Task.FromResult<string?>(null);

    public Task<IpamReply> Free(string ident, Address a)
    {
        var address = a.ToString();
        LastFree = address;
        lock (_lock)
        {
            if (_held.RemoveAll(h => h.Ident == ident && h.Cidr.Address == a) == 0)
                return Task.FromResult(new IpamReply(IpamReplyKind.Failed, Error: $"Free: address {address} not found for {ident}"));
        }
        return Task.FromResult(new IpamReply(IpamReplyKind.Ok));
    }

    public Task<IpamReply> Delete(string ident)
    {
        lock (_lock)
        {
            if (_held.RemoveAll(h => h.Ident == ident) == 0)
                return Task.FromResult(new IpamReply(IpamReplyKind.Failed, Error: $"Delete: no addresses for {ident}"));
        }
        return Task.FromResult(new IpamReply(IpamReplyKind.Ok));
    }

    public async Task<IpamReply> Prime(CancellationToken cancellation = default)
    {
        if (HasRing)
            return new IpamReply(IpamReplyKind.Ok);
        Waiting.Signal();
        try
        {
            await _ring.Task.WaitAsync(cancellation);
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            // Not a Register callback: WaitAsync's own callback runs first and its inline
            // continuation would dispose a later registration before it ran.
            CancellationsSeen.Signal();
            throw;
        }
        return new IpamReply(IpamReplyKind.Ok);
    }

    public Task<IpamReply> RemovePeer(string nameOrNickname)
    {
        if (nameOrNickname == "self")
            return Task.FromResult(new IpamReply(IpamReplyKind.Failed, Error: "Cannot remove self: it is this peer"));
        var count = DeadPeers.GetValueOrDefault(nameOrNickname);
        return Task.FromResult(new IpamReply(IpamReplyKind.Ok, TakenOver: (UInt128)count));
    }

    public Task<IpamReply> Shutdown()
    {
        IsShutDown = true;
        return Task.FromResult(new IpamReply(IpamReplyKind.Ok));
    }

    public Task<IpamStatus> Status()
    {
        Interlocked.Increment(ref StatusCalls);
        if (FailStatusWith is { } failure)
            return Task.FromException<IpamStatus>(failure);
        lock (_lock)
        {
            var entries = HasRing
                ? new[] { new RangeEntry(_universe.Network.ToString(), _universe.Size.ToString(), "00:00:00:00:00:01", "host1", true, 1) }
                : [];
            return Task.FromResult(new IpamStatus(
                PeerName: "00:00:00:00:00:01",
                Nickname: "host1",
                Line: _pending.Count > 0 ? "waiting for IP(s) to become available" : HasRing ? "ready" : "idle",
                Range: _universe.ToString(),
                RangeNumIPs: _universe.Size.ToString(),
                ActiveIPs: _held.Count,
                DefaultSubnet: DefaultSubnet,
                Paxos: HasRing ? null : new ConsensusInfo(true, 1, 2),
                Entries: entries,
                RangeReport: HasRing ? RangeReport : [],
                PendingClaims: PendingClaims,
                PendingAllocates: [.. _pending.Select(p => $"{p.Ident} {DefaultSubnet}")],
                LastMergeError: RejectedMerges > 0 ? "inconsistent entries" : null,
                RejectedMerges: RejectedMerges,
                ConnectedPeers: ["00:00:00:00:00:02"],
                UnreachablePeers: 1,
                UnreachablePercentage: 12.5,
                Peers: Peers ?? (HasRing ? [new PeerSpace("00:00:00:00:00:01", "host1", _universe.Size.ToString(), (_universe.Size - (UInt128)_held.Count).ToString())] : []),
                Subnets: [.. _held.Select(h => new Cidr(h.Cidr.Network, h.Cidr.PrefixLength).ToString()).Append(DefaultSubnet).Distinct()
                    .Select(subnet => new SubnetSpace(subnet, Cidr.ParseSubnet(subnet).Size.ToString(),
                        _held.Count(h => new Cidr(h.Cidr.Network, h.Cidr.PrefixLength).ToString() == subnet)))],
                DeadContainerAddresses: DeadContainerAddresses));
        }
    }

    public Task ContainerStarted(string id) => Task.CompletedTask;

    /// <summary>Every allocation still waiting for <paramref name="id"/> fails as cancelled.</summary>
    public Task ContainerDied(string id)
    {
        lock (_lock)
        {
            foreach (var p in _pending.Where(p => p.Ident == id))
                p.Reply.TrySetResult(new IpamReply(IpamReplyKind.Cancelled));
        }
        return Task.CompletedTask;
    }

    public Task ContainerDestroyed(string id) => Delete(id);

    public Task<int> PruneOwned(string[] running) => Task.FromResult(0);

    public Task Receive(Ipam.Peers.PeerName fromPeer, byte[] payload) => Task.CompletedTask;

    public Task PeerConnected(Ipam.Peers.PeerName peer) => Task.CompletedTask;

    public Task PeerDisconnected(Ipam.Peers.PeerName peer) => Task.CompletedTask;
}

/// <summary>Counts signals and lets a test await the n-th one (no sleeping).</summary>
internal sealed class SignalCounter
{
    private readonly object _lock = new();
    private readonly List<(int Target, TaskCompletionSource Done)> _waiters = [];

    public int Count { get; private set; }

    public void Signal()
    {
        lock (_lock)
        {
            Count++;
            foreach (var w in _waiters.Where(w => w.Target <= Count).ToList())
            {
                w.Done.TrySetResult();
                _waiters.Remove(w);
            }
        }
    }

    /// <summary>Completes once <see cref="Count"/> reaches <paramref name="target"/>; fails after 10 s.</summary>
    public Task Reached(int target)
    {
        lock (_lock)
        {
            if (Count >= target)
                return Task.CompletedTask;
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((target, done));
            return done.Task.WaitAsync(TimeSpan.FromSeconds(10));
        }
    }
}
