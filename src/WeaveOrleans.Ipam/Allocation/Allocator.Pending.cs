namespace WeaveOrleans.Ipam.Allocation;

public sealed partial class Allocator
{
    public bool HasPending => _pending.Count > 0;

    /// <summary>
    /// The periodic step: refresh advertised free space, push consensus along, retry what waits, and
    /// release containers dead for longer than the grace period.
    /// </summary>
    public void Tick(TimeSpan now)
    {
        // The new counts carry new versions, which must outlive a restart (the ring's change stamp
        // rises, so the snapshot is written): a restarted peer that re-issued a version with other
        // counts would leave peers disagreeing for ever.
        if (!Ring.IsEmpty)
            Ownership.ReportFree();
        // Also on ticks: what names a removed peer may have arrived before we learned it was removed
        // (or have been restored from disk), when no later merge would trigger the retake.
        if (RetakeRemovedPeers())
            SpreadChange();
        if (Ring.IsEmpty && _bootstrap.Repropose())
        {
            BroadcastGossip();
            CheckConsensus(now);
        }
        else if (HasPending)
        {
            _bootstrap.AllowRingRequest();
            RetryPending(now, tick: true);
        }
        RemoveDeadContainers(now);
    }

    /// <summary>
    /// Periodic gossip (every 30 s in Weave): to a bounded set of connected peers (<see cref="PeriodicTargets"/>),
    /// what each has not acknowledged (often nothing), so that free-space reports, acknowledgements
    /// and anything a lost message carried still get around. Without a ring the same bound holds for
    /// an elector's state: a proposer's ballot reaches every elector on its own (and again on every
    /// tick while it waits), and acceptors answer it directly.
    /// </summary>
    public void GossipPeriodically()
    {
        var parts = new GossipParts(this);
        foreach (var peer in PeriodicTargets())
            Send(peer, GossipFor(peer, ringRequest: false, parts));
    }

    /// <summary>Tries every pending request again: primes, then claims (existing addresses first), then allocations.</summary>
    private void RetryPending(TimeSpan now, bool tick)
    {
        foreach (var op in _pending.RetryOrder())
            if (_pending.Contains(op) && op.Try(this, now, tick))
                _pending.Remove(op);
    }

    /// <summary>
    /// The caller gave up on <paramref name="requestId"/> (e.g. the HTTP client disconnected): if it is
    /// still waiting, it completes as cancelled.
    /// </summary>
    public void Cancel(long requestId) => CancelWhere(op => op.RequestId == requestId, "cancelled");

    private void CancelFor(string ident, string reason) => CancelWhere(op => op.Ident == ident, reason);

    private void CancelAll(string reason) => CancelWhere(_ => true, reason);

    private void CancelWhere(Func<PendingOp, bool> match, string reason)
    {
        foreach (var op in _pending.RemoveWhere(match))
            if (op is not PendingClaim { Answered: true })
                Complete(op.RequestId, new Outcome.Cancelled(reason));
    }

    private bool RefusedWhileStopped(long requestId)
    {
        if (_shuttingDown)
            Complete(requestId, new Outcome.Cancelled("peer is shutting down"));
        else if (RemovedFromNetwork)
            Complete(requestId, new Outcome.Failed(RemovedStatus));
        else
            return false;
        return true;
    }
}
