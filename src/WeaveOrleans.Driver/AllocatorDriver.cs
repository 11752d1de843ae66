using System.Diagnostics.CodeAnalysis;
using WeaveOrleans.Ipam.Allocation;
using WeaveOrleans.Ipam.Encoding;
using WeaveOrleans.Ipam.Peers;
using WeaveOrleans.Storage;

namespace WeaveOrleans.Driver;

/// <summary>
/// Drives one host's IPAM engine: every input runs the engine synchronously, then <see cref="Flush"/>
/// hands the effects on, first committing the changed rows and snapshot through
/// <see cref="IAllocatorStore"/> and only once that is durable sending the messages and answering the
/// waiting requests, in the order the effects were produced.
/// </summary>
/// <remarks>
/// Not thread-safe and free of clocks and threads: the caller gives the time with each input and runs
/// every call, and every continuation of the tasks it returns, on one logical thread (a grain's turns;
/// the simulator's loop). Awaits resume on the caller's scheduler, so interleaving happens only there.
/// </remarks>
public sealed partial class AllocatorDriver
{
    private readonly IAllocatorStore _store;
    private readonly string _key;
    private readonly DriverOutputs _outputs;

    public AllocatorDriver(Allocator engine, IAllocatorStore store, string hostKey, DriverOutputs outputs)
    {
        ArgumentException.ThrowIfNullOrEmpty(hostKey);
        Engine = engine;
        _store = store;
        _key = hostKey;
        _outputs = outputs;
    }

    /// <summary>
    /// Loads what <paramref name="hostKey"/> persisted, decodes it and hands it to <paramref name="restore"/>
    /// (which builds the engine, usually with <see cref="Allocator.Restore"/>).
    /// </summary>
    public static async Task<AllocatorDriver> StartAsync(
        IAllocatorStore store, string hostKey, Func<StoredAllocator, Allocator> restore, DriverOutputs outputs, CancellationToken cancellation)
    {
        var stored = StoredAllocator.Decode(await store.LoadAsync(hostKey, cancellation));
        return new AllocatorDriver(restore(stored), store, hostKey, outputs) { RestoredIdents = stored.Rows.Count };
    }

    /// <summary>The engine, for reads and for inputs followed by <see cref="Flush"/>.</summary>
    public Allocator Engine { get; }

    /// <summary>How many per-ident rows were loaded at start.</summary>
    public int RestoredIdents { get; private init; }

    /// <summary>After <see cref="Shutdown"/>: nothing more is persisted, and peer inputs are ignored.</summary>
    public bool Stopped { get; private set; }

    /// <summary>The first failed commit; once set, nothing more is persisted, sent or answered as done.</summary>
    public Exception? StorageFailure { get; private set; }

    /// <summary>Completes when everything flushed so far is released: what a read shows is then durable.</summary>
    public Task Released => _tail;

    // ---- inputs from the host's timers and peers ----

    public Task Tick(TimeSpan now)
    {
        if (Stopped)
            return Task.CompletedTask;
        Engine.Tick(now);
        return Flush();
    }

    public Task GossipPeriodically()
    {
        if (Stopped)
            return Task.CompletedTask;
        Engine.GossipPeriodically();
        return Flush();
    }

    /// <summary>Decodes and applies a peer's message; false (with why) for bytes that are no message.</summary>
    public bool Receive(PeerName from, byte[] payload, TimeSpan now, [NotNullWhen(false)] out string? error)
    {
        error = null;
        if (Stopped)
            return true;
        PeerMessage message;
        try
        {
            message = MessageCodec.Decode(payload);
        }
        catch (InvalidDataException e)
        {
            error = e.Message;
            return false;
        }
        Engine.Receive(from, message, now);
        // Not awaited: the transport's reader goes on with the next message while this one is
        // committed; the flush chain still keeps every effect in order.
        _ = Flush();
        return true;
    }

    public Task PeerConnected(PeerName peer, TimeSpan now)
    {
        if (Stopped)
            return Task.CompletedTask;
        Engine.PeerConnected(peer, now);
        return Flush();
    }

    public Task PeerDisconnected(PeerName peer)
    {
        Engine.PeerDisconnected(peer);
        // Claims waiting on that peer have just failed: answer them now, not at the next tick.
        return Stopped ? Task.CompletedTask : Flush();
    }

    // ---- commands answered directly ----

    /// <summary>Runs a command on the engine and returns its result once its effects are released.</summary>
    public async Task<T> Run<T>(Func<Allocator, T> command)
    {
        var result = command(Engine);
        await Flush();
        return result;
    }

    /// <summary>
    /// weave reset: hands every range on, persists the hand-over, then deletes the host's state; from
    /// here on nothing more is persisted. The heir is <see cref="PeerName.None"/> when there was nobody;
    /// Ok names it too, and is Ok without one when it had shut down already.
    /// </summary>
    public async Task<(Outcome Outcome, PeerName Heir)> Shutdown(TimeSpan now)
    {
        if (Stopped)
            return (new Outcome.Ok(), PeerName.None);
        var (_, handover) = Begin(id => Engine.Shutdown(id, now));
        // The delete below is the last write.
        Stopped = true;
        var heir = await handover is Outcome.Ok { Heir: { } h } ? h : PeerName.None;
        if (StorageFailure is not null)
            return (new Outcome.Failed($"could not persist the handover: {StorageFailure.Message}"), heir);
        await _store.DeleteAsync(_key, CancellationToken.None);
        return (new Outcome.Ok(Heir: heir), heir);
    }
}
