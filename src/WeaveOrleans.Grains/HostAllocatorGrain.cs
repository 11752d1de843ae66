using Microsoft.Extensions.Logging;
using Orleans.Concurrency;
using WeaveOrleans.Ipam.Addresses;
using WeaveOrleans.Ipam.Allocation;
using WeaveOrleans.Ipam.Encoding;
using WeaveOrleans.Ipam.Peers;
using WeaveOrleans.Storage;
using WeaveOrleans.Storage.Hosting;
using EngineLogLevel = WeaveOrleans.Ipam.Allocation.LogLevel;
using MsLogLevel = Microsoft.Extensions.Logging.LogLevel;

namespace WeaveOrleans.Grains;

/// <summary>
/// The shell around one host's IPAM engine. Every input runs the engine synchronously inside one grain
/// turn (so only one turn ever touches it), then <see cref="Flush"/> hands the effects on: first the
/// changed rows and snapshot are committed through <see cref="IAllocatorStore"/>, and only once that is
/// durable are messages sent and waiting requests answered, in the order the effects were produced.
/// Reentrant, so an allocation waiting for consensus or space does not hold up anything else; kept
/// alive for the silo's lifetime because it also drives gossip and timers.
/// </summary>
/// <remarks>
/// Two stores on purpose: the small host identity lives in the Orleans "weave" AdoNet grain storage,
/// while the engine snapshot is written through <see cref="IAllocatorStore"/> beside the per-ident rows,
/// because a snapshot and the rows it agrees with must commit in one transaction.
/// </remarks>
[Reentrant]
[KeepAlive]
public sealed partial class HostAllocatorGrain : Grain, IHostAllocatorGrain
{
    private readonly HostOptions _options;
    private readonly IAllocatorStore _store;
    private readonly IPeerMessenger _messenger;
    private readonly TimeProvider _time;
    private readonly ILogger<HostAllocatorGrain> _logger;
    private readonly IPersistentState<HostIdentity> _identity;
    private readonly Dictionary<long, TaskCompletionSource<Outcome>> _waiting = [];
    private Allocator _engine = null!;
    private string _key = "";
    private long _start;
    private long _nextRequestId;
    private Task _tail = Task.CompletedTask;
    private bool _stopped;
    private Exception? _storageFailure;
    private readonly IDockerStatusSource? _docker;
    private readonly RangeTransferLog _transfers = new(capacity: 50);
    private readonly IExistingAddressSource? _existing;

    public HostAllocatorGrain(
        HostOptions options,
        IAllocatorStore store,
        IPeerMessenger messenger,
        TimeProvider time,
        ILogger<HostAllocatorGrain> logger,
        [PersistentState("identity", StorageOptions.GrainStorageName)] IPersistentState<HostIdentity> identity,
        IServiceProvider services)
    {
        _docker = services.GetService(typeof(IDockerStatusSource)) as IDockerStatusSource;
        _existing = services.GetService(typeof(IExistingAddressSource)) as IExistingAddressSource;
        _options = options;
        _store = store;
        _messenger = messenger;
        _time = time;
        _logger = logger;
        _identity = identity;
    }

    private TimeSpan Now => _time.GetElapsedTime(_start);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _key = this.GetPrimaryKeyString();
        if (_key != _options.HostKey)
            throw new InvalidOperationException($"this silo hosts peer {_options.HostKey}, not {_key}");
        _start = _time.GetTimestamp();
        var config = _options.ToAllocatorConfig();

        await RecordIdentityAsync();

        var stored = await _store.LoadAsync(_key, cancellationToken);
        var snapshot = stored?.Snapshot is { } bytes ? SnapshotCodec.Decode(bytes) : null;
        var rows = new Dictionary<string, OwnedAddresses>(StringComparer.Ordinal);
        if (stored is not null)
            foreach (var (ident, payload) in stored.Rows)
                rows[ident] = OwnedCodec.Decode(payload);
        _engine = Allocator.Restore(config, _options.PeerName, _options.Nickname, new Random(Random.Shared.Next()), snapshot, rows);
        LogStarted(_options.PeerName.ToString(), _options.Nickname, config.Range.ToString(), config.Init.ToString() ?? "", rows.Count);

        // Peers the transport connected before this activation (or before a re-activation).
        foreach (var peer in _messenger.ConnectedPeers)
            if (PeerName.TryParse(peer, out var name, out _))
                _engine.PeerConnected(name, Now);
        await Flush();
        // Not awaited: the search may wait for Docker, and status and everything else must answer meanwhile.
        StartClaimingExisting();

        this.RegisterGrainTimer(OnTick, new GrainTimerCreationOptions(config.TickInterval, config.TickInterval) { Interleave = true });
        this.RegisterGrainTimer(OnGossip, new GrainTimerCreationOptions(_options.GossipInterval, _options.GossipInterval) { Interleave = true });
        await base.OnActivateAsync(cancellationToken);
    }

    private async Task RecordIdentityAsync()
    {
        var identity = _identity.State;
        var range = _options.Range.ToString();
        if (identity.Range is { } previous && previous != range)
            LogRangeChanged(previous, range);
        var now = _time.GetUtcNow();
        if (identity.PeerName is null)
            identity.FirstStarted = now;
        identity.PeerName = _options.HostKey;
        identity.Nickname = _options.Nickname;
        identity.Range = range;
        identity.LastStarted = now;
        await _identity.WriteStateAsync();
    }

    private Task OnTick(CancellationToken cancellation)
    {
        if (_stopped)
            return Task.CompletedTask;
        _engine.Tick(Now);
        return Flush();
    }

    private Task OnGossip(CancellationToken cancellation)
    {
        if (_stopped)
            return Task.CompletedTask;
        _engine.GossipPeriodically();
        return Flush();
    }

    // ---- requests that wait for an answer ----

    public Task<IpamReply> Allocate(string ident, string? subnet, bool isContainer, CancellationToken cancellation = default)
    {
        Cidr? cidr = null;
        if (subnet is not null)
        {
            if (!Cidr.TryParse(subnet, out var parsed, out var error))
                return Task.FromResult(Failed(error));
            cidr = parsed;
        }
        return RunRequest(id => _engine.Allocate(id, ident, cidr, isContainer, Now), cancellation, afterExistingClaims: true);
    }

    public Task<IpamReply> Claim(string ident, string address, bool isContainer, bool noErrorOnUnknown, CancellationToken cancellation = default)
    {
        if (!Cidr.TryParse(address, out var cidr, out var error))
            return Task.FromResult(Failed(error));
        return RunRequest(id => _engine.Claim(id, ident, cidr, isContainer, noErrorOnUnknown, Now), cancellation, afterExistingClaims: true);
    }

    public Task<IpamReply> Prime(CancellationToken cancellation = default) =>
        RunRequest(id => _engine.Prime(id, Now), cancellation);

    private async Task<IpamReply> RunRequest(Action<long> start, CancellationToken cancellation, bool afterExistingClaims = false)
    {
        if (afterExistingClaims && !_existingClaims.Task.IsCompleted)
        {
            try
            {
                await _existingClaims.Task.WaitAsync(cancellation);
            }
            catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
            {
                return new IpamReply(IpamReplyKind.Cancelled, Error: "cancelled while the addresses in use were being claimed");
            }
        }
        var (id, answer) = Begin(start);
        if (!answer.Task.IsCompleted && cancellation.CanBeCanceled)
        {
            var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using (cancellation.Register(static s => ((TaskCompletionSource)s!).TrySetResult(), cancelled))
                await Task.WhenAny(answer.Task, cancelled.Task);
            // Back in a grain turn: the engine may be touched again.
            if (!answer.Task.IsCompleted)
            {
                _engine.Cancel(id);
                _ = Flush();
            }
        }
        return ToReply(await answer.Task);
    }

    /// <summary>Starts an engine request whose answer comes as a completion; the flush that releases it is under way.</summary>
    private (long Id, TaskCompletionSource<Outcome> Answer) Begin(Action<long> start)
    {
        var id = ++_nextRequestId;
        var answer = new TaskCompletionSource<Outcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        _waiting[id] = answer;
        start(id);
        _ = Flush();
        return (id, answer);
    }

    // ---- synchronous engine calls ----

    public async Task<string[]> Lookup(string ident, string? subnet)
    {
        Cidr? within = null;
        if (subnet is not null)
        {
            if (!Cidr.TryParse(subnet, out var parsed, out _))
                return [];
            within = parsed;
        }
        var found = _engine.Lookup(ident, within).Select(c => c.ToString()).ToArray();
        await _tail; // what is shown is durable
        return found;
    }

    public async Task<OwnedEntry[]> ListAll()
    {
        var all = _engine.Owned
            .OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => new OwnedEntry(kv.Key, kv.Value.IsContainer, [.. kv.Value.Cidrs.Select(c => c.ToString())]))
            .ToArray();
        await _tail;
        return all;
    }

    public Task<IpamReply> Free(string ident, string address)
    {
        Address addr;
        if (Cidr.TryParse(address, out var cidr, out _))
            addr = cidr.Address;
        else if (!Address.TryParse(address, out addr, out var error))
            return Task.FromResult(Failed(error));
        return RunRequest(id => _engine.Free(id, ident, addr), CancellationToken.None);
    }

    public Task<IpamReply> Delete(string ident) =>
        RunRequest(id => _engine.Delete(id, ident), CancellationToken.None);

    public Task<IpamReply> RemovePeer(string nameOrNickname) =>
        RunRequest(id => _engine.RemovePeer(id, nameOrNickname, Now), CancellationToken.None);

    public async Task<IpamReply> Shutdown()
    {
        if (_stopped)
            return new IpamReply(IpamReplyKind.Ok, Text: "already shut down\n");
        var (_, answer) = Begin(id => _engine.Shutdown(id, Now));
        // From here on nothing more is persisted or processed: the delete below is the last write.
        _stopped = true;
        var heir = await answer.Task is Outcome.Ok { Heir: { } h } ? h : PeerName.None;
        if (_storageFailure is not null)
            return Failed($"could not persist the handover: {_storageFailure.Message}");
        await _store.DeleteAsync(_key, CancellationToken.None);
        LogShutdown(heir == PeerName.None ? "nobody" : heir.ToString());
        return new IpamReply(IpamReplyKind.Ok, Text: heir == PeerName.None
            ? "no other peer to hand the ranges to\n"
            : $"handed every range to {heir}\n");
    }

    public Task<IpamStatus> Status()
    {
        var status = _engine.Status();
        var unreachable = status.Shares.Where(s => !s.IsSelf && !s.IsReachable).ToList();
        var unreachableSize = unreachable.Aggregate(UInt128.Zero, (sum, s) => sum + s.Size);
        var percent = status.RangeNumIPs == UInt128.Zero ? 0 : (double)unreachableSize * 100.0 / (double)status.RangeNumIPs;
        return Task.FromResult(new IpamStatus(
            _options.HostKey,
            _options.Nickname,
            ExistingClaimsStatus() ?? status.Line,
            status.Range.ToString(),
            status.RangeNumIPs.ToString(System.Globalization.CultureInfo.InvariantCulture),
            status.ActiveIPs,
            status.DefaultSubnet.ToString(),
            status.Paxos is { } p ? new ConsensusInfo(p.Elector, p.KnownNodes, p.Quorum) : null,
            [.. status.Entries.Select((e, i) => new RangeEntry(
                e.Token.ToString(), e.Size.ToString(System.Globalization.CultureInfo.InvariantCulture),
                e.Peer.ToString(), e.Nickname, e.IsReachable, e.Version,
                _engine.Ring[i].Free.ToString(System.Globalization.CultureInfo.InvariantCulture)))],
            [.. _engine.RangeReport()],
            [.. status.PendingClaims],
            [.. status.PendingAllocates],
            status.LastMergeError,
            status.RejectedMerges,
            [.. _engine.ReachablePeers.Order().Select(p => p.ToString())],
            unreachable.Count,
            percent,
            _docker?.Summary() ?? "not followed (--docker-endpoint none)",
            [.. status.Shares.Select(s => new PeerSpace(s.Peer.ToString(), s.Nickname,
                s.Size.ToString(System.Globalization.CultureInfo.InvariantCulture), s.Free.ToString(System.Globalization.CultureInfo.InvariantCulture)))],
            [.. status.Subnets.Select(s => new SubnetSpace(s.Subnet.ToString(), s.Subnet.Size.ToString(System.Globalization.CultureInfo.InvariantCulture), s.Allocated))],
            status.DeadContainerAddresses,
            _transfers.Recent(),
            !string.IsNullOrEmpty(_options.Password)));
    }

    /// <summary>
    /// How a change of owner came about, from what the engine records: the old owner was removed
    /// (rmpeer) or left (reset; it hands its ranges on while still connected, whereas rmpeer only
    /// takes from a peer that is not), or else it donated.
    /// </summary>
    private string TransferKind(PeerName from, PeerName to) =>
        !_engine.RemovedPeers.ContainsKey(from) ? RangeTransfer.Donation
        : _engine.IsReachable(from) ? RangeTransfer.Reset
        : RangeTransfer.RemovePeer;

    public Task ContainerStarted(string id)
    {
        _engine.ContainerStarted(id);
        return Flush();
    }

    public Task ContainerDied(string id)
    {
        _engine.ContainerDied(id, Now);
        return Flush();
    }

    public Task ContainerDestroyed(string id)
    {
        _engine.ContainerDestroyed(id);
        return Flush();
    }

    public async Task<int> PruneOwned(string[] running)
    {
        var count = _engine.PruneOwned(running.ToHashSet(StringComparer.Ordinal));
        await Flush();
        return count;
    }

    // ---- peers ----

    public Task Receive(string fromPeer, byte[] payload)
    {
        if (_stopped)
            return Task.CompletedTask;
        if (!PeerName.TryParse(fromPeer, out var from, out var error))
        {
            LogBadPeer(error);
            return Task.CompletedTask;
        }
        PeerMessage message;
        try
        {
            message = MessageCodec.Decode(payload);
        }
        catch (InvalidDataException e)
        {
            LogBadMessage(fromPeer, e.Message);
            return Task.CompletedTask;
        }
        _engine.Receive(from, message, Now);
        // Not awaited: the transport's reader goes on with the next message while this one is
        // committed; the flush chain still keeps every effect in order.
        _ = Flush();
        return Task.CompletedTask;
    }

    public Task PeerConnected(string peer)
    {
        if (_stopped || !PeerName.TryParse(peer, out var name, out _))
            return Task.CompletedTask;
        _engine.PeerConnected(name, Now);
        _ = Flush();
        return Task.CompletedTask;
    }

    public Task PeerDisconnected(string peer)
    {
        if (!PeerName.TryParse(peer, out var name, out _))
            return Task.CompletedTask;
        _engine.PeerDisconnected(name);
        // Claims waiting on that peer have just failed: answer them now, not at the next tick.
        if (!_stopped)
            _ = Flush();
        return Task.CompletedTask;
    }

    // ---- the driver: persist, then send, then answer ----

    /// <summary>
    /// Takes the engine's effects and queues their release behind every earlier flush. The commit
    /// starts at once (so concurrent turns share a group commit), but messages and answers go out only
    /// after this commit and every earlier one are durable. The returned task never faults.
    /// </summary>
    private Task Flush()
    {
        var effects = _engine.TakeEffects();
        foreach (var e in effects.Log)
            LogEngine(e);
        _transfers.Observe(_engine.Ring, _time.GetUtcNow(), TransferKind, p => _engine.Nicknames.GetValueOrDefault(p));

        StateChange? change = null;
        if (!_stopped && effects.ChangesState)
        {
            var rows = new Dictionary<string, byte[]?>(StringComparer.Ordinal);
            foreach (var (ident, owned) in effects.Rows)
                rows[ident] = owned is null ? null : OwnedCodec.Encode(owned);
            change = new StateChange(effects.Snapshot is { } snapshot ? SnapshotCodec.Encode(snapshot) : null, rows);
        }
        if (change is null && effects.Messages.Count == 0 && effects.Completions.Count == 0)
            return _tail;

        var messages = effects.Messages
            .Select(m =>
            {
                var payload = MessageCodec.Encode(m.Message);
                return (m.To, Payload: payload, Kind: MessageCodec.KindOf(payload));
            })
            .ToList();
        var commit = change is null ? Task.CompletedTask : _store.CommitAsync(_key, change, CancellationToken.None);
        var task = Release(commit, _tail, messages, effects.Completions);
        _tail = task;
        return task;
    }

    private async Task Release(Task commit, Task previous, List<(PeerName To, byte[] Payload, string Kind)> messages, List<Completion> completions)
    {
        try
        {
            await commit;
        }
        catch (Exception e)
        {
            _storageFailure ??= e;
        }
        await previous;
        if (_storageFailure is { } failure)
        {
            // Memory is now ahead of the disk: answer nothing as done, send nothing, and let the
            // next call re-activate from what is durable.
            LogStorageFailure(failure);
            foreach (var c in completions)
                Answer(c.RequestId, new Outcome.Failed($"could not persist the change: {failure.Message}"));
            DeactivateOnIdle();
            return;
        }
        foreach (var (to, payload, kind) in messages)
            _messenger.Send(to.ToString(), payload, kind);
        foreach (var c in completions)
            Answer(c.RequestId, c.Outcome);
    }

    private void Answer(long requestId, Outcome outcome)
    {
        if (_waiting.Remove(requestId, out var answer))
            answer.TrySetResult(outcome);
    }

    private static IpamReply Failed(string error) => new(IpamReplyKind.Failed, Error: error);

    private static IpamReply ToReply(Outcome outcome) => outcome switch
    {
        Outcome.Ok ok => new IpamReply(IpamReplyKind.Ok, ok.Address?.ToString(), ok.Text),
        Outcome.Failed failed => new IpamReply(IpamReplyKind.Failed, Error: failed.Message),
        Outcome.Cancelled cancelled => new IpamReply(IpamReplyKind.Cancelled, Error: cancelled.Reason),
        _ => throw new InvalidOperationException($"unknown outcome {outcome}"),
    };

    private void LogEngine(LogEvent e)
    {
        var level = e.Level switch
        {
            EngineLogLevel.Debug => MsLogLevel.Debug,
            EngineLogLevel.Info => MsLogLevel.Information,
            EngineLogLevel.Warning => MsLogLevel.Warning,
            _ => MsLogLevel.Error,
        };
        LogEngineEvent(level, e.Message);
    }

    [LoggerMessage(Message = "{Message}")]
    private partial void LogEngineEvent(MsLogLevel level, string message);

    [LoggerMessage(MsLogLevel.Information, "Host allocator {Peer} ({Nickname}) started: range {Range}, init {Init}, {Rows} persisted idents")]
    private partial void LogStarted(string peer, string nickname, string range, string init, int rows);

    [LoggerMessage(MsLogLevel.Warning, "Relaunched with --ipalloc-range {Range} (was {Previous}): the old allocations are discarded")]
    private partial void LogRangeChanged(string previous, string range);

    [LoggerMessage(MsLogLevel.Information, "Shut down: ranges handed to {Heir}; persisted state deleted")]
    private partial void LogShutdown(string heir);

    [LoggerMessage(MsLogLevel.Warning, "Message from an invalid peer name: {Error}")]
    private partial void LogBadPeer(string error);

    [LoggerMessage(MsLogLevel.Warning, "Dropped a malformed message from {Peer}: {Error}")]
    private partial void LogBadMessage(string peer, string error);

    [LoggerMessage(MsLogLevel.Critical, "Could not persist the allocator state; deactivating to reload from storage")]
    private partial void LogStorageFailure(Exception error);
}
