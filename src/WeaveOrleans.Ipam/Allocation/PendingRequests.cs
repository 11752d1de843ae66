namespace WeaveOrleans.Ipam.Allocation;

/// <summary>The requests that could not finish at once, in the order they arrived.</summary>
internal sealed class PendingRequests
{
    private readonly List<PendingOp> _ops = [];

    public int Count => _ops.Count;

    public IEnumerable<PendingClaim> Claims => _ops.OfType<PendingClaim>();

    public IEnumerable<PendingAllocate> Allocates => _ops.OfType<PendingAllocate>();

    public void Add(PendingOp op) => _ops.Add(op);

    public bool Contains(PendingOp op) => _ops.Contains(op);

    public void Remove(PendingOp op) => _ops.Remove(op);

    /// <summary>The order a retry takes: primes, then claims (existing addresses first), then allocations.</summary>
    public List<PendingOp> RetryOrder() =>
        [.. _ops.OfType<PendingPrime>().Cast<PendingOp>().Concat(Claims).Concat(Allocates)];

    /// <summary>Takes out every request that matches, in arrival order.</summary>
    public List<PendingOp> RemoveWhere(Func<PendingOp, bool> match)
    {
        var removed = _ops.Where(match).ToList();
        foreach (var op in removed)
            _ops.Remove(op);
        return removed;
    }
}
