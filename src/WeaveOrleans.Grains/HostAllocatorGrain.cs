using Microsoft.Extensions.Logging;
using Orleans.Concurrency;
using WeaveOrleans.Contract.Text;
using WeaveOrleans.Driver;
using WeaveOrleans.Ipam.Addresses;
using WeaveOrleans.Ipam.Allocation;
using WeaveOrleans.Ipam.Peers;
using WeaveOrleans.Storage;
using WeaveOrleans.Storage.Hosting;
using WeaveOrleans.Contract.Api;
using EngineLogLevel = WeaveOrleans.Ipam.Allocation.LogLevel;
using MsLogLevel = Microsoft.Extensions.Logging.LogLevel;

namespace WeaveOrleans.Grains;

/// <summary>
/// The Orleans shell around one host's <see cref="AllocatorDriver"/>, which holds the engine and does
/// persist-then-send-then-answer. The grain adds what is Orleans' or the host's: the timers, the turn
/// scheduling (every input runs inside one grain turn, so only one turn ever touches the driver), the
/// peer messenger, logging and the status view. Reentrant, so an
/// allocation waiting for consensus or space does not hold up anything else; kept alive for the silo's
/// lifetime because it also drives gossip and timers.
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
    private AllocatorDriver _driver = null!;
    private string _key = "";
    private long _start;
    private readonly IDockerStatusSource? _docker;
    private readonly EngineTransfers _transfers;
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
        _transfers = new EngineTransfers(() => Engine, time, capacity: 50);
    }

    private TimeSpan Now => _time.GetElapsedTime(_start);

    private Allocator Engine => _driver.Engine;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _key = this.GetPrimaryKeyString();
        if (_key != _options.HostKey)
            throw new InvalidOperationException($"this silo hosts peer {_options.HostKey}, not {_key}");
        _start = _time.GetTimestamp();
        var config = _options.ToAllocatorConfig();

        await RecordIdentityAsync();
        // A data directory of a release before pools holds the default pool's state under the peer name alone.
        if (_options.Pool.IsDefault && await StoreKeyMigration.MoveAsync(_store, AllocatorKey.Legacy(_options.PeerName), _key, cancellationToken))
            LogStoreKeyMigrated(AllocatorKey.Legacy(_options.PeerName), _key);

        var outputs = new DriverOutputs(
            Send: (to, payload, kind) => _messenger.Send(to.ToString(), payload, kind),
            StorageFailed: failure =>
            {
                // The next call re-activates from what is durable.
                LogStorageFailure(failure);
                DeactivateOnIdle();
            },
            Flushing: Observe);
        _driver = await AllocatorDriver.StartAsync(
            _store, _key,
            stored => Allocator.Restore(config, _options.PeerName, _options.Nickname, new Random(Random.Shared.Next()), stored.Snapshot, stored.Rows),
            outputs, cancellationToken);
        LogStarted(_options.PeerName.ToString(), _options.Nickname, config.Range.ToString(), config.Init.ToString() ?? "", _driver.RestoredIdents);

        // Peers the transport connected before this activation (or before a re-activation).
        foreach (var peer in _messenger.ConnectedPeers)
            if (PeerName.TryParse(peer, out var name, out _))
                Engine.PeerConnected(name, Now);
        await _driver.Flush();
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
        identity.PeerName = _options.PeerName.ToString();
        identity.Nickname = _options.Nickname;
        identity.Range = range;
        identity.LastStarted = now;
        await _identity.WriteStateAsync();
    }

    private Task OnTick(CancellationToken cancellation) => _driver.Tick(Now);

    private Task OnGossip(CancellationToken cancellation) => _driver.GossipPeriodically();

    // ---- requests that wait for an answer ----

    public Task<IpamReply> Allocate(string ident, Cidr? subnet, bool isContainer, CancellationToken cancellation = default) =>
        RunRequest(id => Engine.Allocate(id, ident, subnet, isContainer, Now), cancellation, afterExistingClaims: true);

    public Task<IpamReply> Claim(string ident, Cidr address, bool isContainer, bool noErrorOnUnknown, CancellationToken cancellation = default) =>
        RunRequest(id => Engine.Claim(id, ident, address, isContainer, noErrorOnUnknown, Now), cancellation, afterExistingClaims: true);

    public Task<IpamReply> Prime(CancellationToken cancellation = default) =>
        RunRequest(id => Engine.Prime(id, Now), cancellation);

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
        return ToReply(await _driver.Request(start, cancellation));
    }

    // ---- synchronous engine calls ----

    public async Task<Cidr[]> Lookup(string ident, Cidr? subnet)
    {
        var found = Engine.Lookup(ident, subnet).ToArray();
        await _driver.Released; // what is shown is durable
        return found;
    }

    public async Task<OwnedEntry[]> ListAll()
    {
        var all = Engine.Owned
            .OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => new OwnedEntry(kv.Key, kv.Value.IsContainer, [.. kv.Value.Cidrs]))
            .ToArray();
        await _driver.Released;
        return all;
    }

    public async Task<string?> HolderOf(Address address)
    {
        var holder = Engine.HolderOf(address);
        await _driver.Released;
        return holder;
    }

    public async Task<IpamReply> Free(string ident, Address address) =>
        ToReply(await _driver.Command((e, id) => e.Free(id, ident, address)));

    public async Task<IpamReply> Delete(string ident) => ToReply(await _driver.Command((e, id) => e.Delete(id, ident)));

    public async Task<IpamReply> RemovePeer(string nameOrNickname) =>
        ToReply(await _driver.Command((e, id) => e.RemovePeer(id, nameOrNickname, Now)));

    public async Task<IpamReply> Shutdown()
    {
        var (outcome, _) = await _driver.Shutdown(Now);
        if (outcome is Outcome.Ok { Heir: { } heir })
            LogShutdown(heir == PeerName.None ? "nobody" : heir.ToString());
        return ToReply(outcome);
    }

    public Task<IpamStatus> Status()
    {
        var status = Engine.Status();
        var unreachable = status.Shares.Where(s => !s.IsSelf && !s.IsReachable).ToList();
        var unreachableSize = unreachable.Aggregate(UInt128.Zero, (sum, s) => sum + s.Size);
        var percent = status.RangeNumIPs == UInt128.Zero ? 0 : (double)unreachableSize * 100.0 / (double)status.RangeNumIPs;
        return Task.FromResult(new IpamStatus(
            _options.PeerName.ToString(),
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
                Engine.Ring[i].Free.ToString(System.Globalization.CultureInfo.InvariantCulture)))],
            [.. status.Shares.Select(s => IpamText.ShareLine(s.Peer.ToString(), s.Nickname, s.Size, status.RangeNumIPs, s.IsSelf, s.IsReachable, status.ActiveIPs))],
            [.. status.PendingClaims],
            [.. status.PendingAllocates],
            status.LastMergeError,
            status.RejectedMerges,
            [.. Engine.ReachablePeers.Order().Select(p => p.ToString())],
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

    public Task ContainerStarted(string id)
    {
        Engine.ContainerStarted(id);
        return _driver.Flush();
    }

    public Task ContainerDied(string id)
    {
        Engine.ContainerDied(id, Now);
        return _driver.Flush();
    }

    public Task ContainerDestroyed(string id)
    {
        Engine.ContainerDestroyed(id);
        return _driver.Flush();
    }

    public Task<int> PruneOwned(string[] running) =>
        _driver.Run(e => e.PruneOwned(running.ToHashSet(StringComparer.Ordinal)));

    // ---- peers ----

    public Task Receive(PeerName fromPeer, byte[] payload)
    {
        if (!_driver.Stopped && !_driver.Receive(fromPeer, payload, Now, out var malformed))
            LogBadMessage(fromPeer.ToString(), malformed);
        return Task.CompletedTask;
    }

    public Task PeerConnected(PeerName peer)
    {
        _ = _driver.PeerConnected(peer, Now);
        return Task.CompletedTask;
    }

    public Task PeerDisconnected(PeerName peer)
    {
        _ = _driver.PeerDisconnected(peer);
        return Task.CompletedTask;
    }

    /// <summary>What the grain itself takes from each batch of effects: log lines and range transfers.</summary>
    private void Observe(Effects effects)
    {
        foreach (var e in effects.Log)
            LogEngine(e);
        _transfers.Observe();
    }

    private static IpamReply ToReply(Outcome outcome) => outcome switch
    {
        Outcome.Ok ok => new IpamReply(IpamReplyKind.Ok, ok.Address, TakenOver: ok.TakenOver, Heir: ok.Heir),
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

    [LoggerMessage(MsLogLevel.Information, "Moved the stored allocator state from key {Legacy} to {Key} (the format with pools)")]
    private partial void LogStoreKeyMigrated(string legacy, string key);

    [LoggerMessage(MsLogLevel.Warning, "Relaunched with --ipalloc-range {Range} (was {Previous}): the old allocations are discarded")]
    private partial void LogRangeChanged(string previous, string range);

    [LoggerMessage(MsLogLevel.Information, "Shut down: ranges handed to {Heir}; persisted state deleted")]
    private partial void LogShutdown(string heir);

    [LoggerMessage(MsLogLevel.Warning, "Dropped a malformed message from {Peer}: {Error}")]
    private partial void LogBadMessage(string peer, string error);

    [LoggerMessage(MsLogLevel.Critical, "Could not persist the allocator state; deactivating to reload from storage")]
    private partial void LogStorageFailure(Exception error);
}
