using System.Threading.RateLimiting;

namespace WeaveOrleans.Gossip.Tcp;

/// <summary>
/// Bytes that frames being read on all connections together may hold. A large frame reserves its
/// declared length before reading it (waiting, oldest first, while others hold the budget); its
/// buffer then grows only with what arrives. Small frames skip the budget, so they never queue
/// behind large ones.
/// </summary>
internal sealed class FrameBudget(int bytes, TransportStats stats) : IDisposable
{
    /// <summary>At or below this a frame is read into a buffer of its declared size straight away.</summary>
    public const int SmallFrame = 64 * 1024;

    private readonly ConcurrencyLimiter _limiter = new(new ConcurrencyLimiterOptions
    {
        PermitLimit = bytes,
        QueueLimit = int.MaxValue,
        QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
    });

    public async ValueTask<IDisposable> ReserveAsync(int length, CancellationToken ct)
    {
        var lease = await _limiter.AcquireAsync(length, ct).ConfigureAwait(false);
        if (!lease.IsAcquired)
        {
            lease.Dispose();
            throw new ProtocolException($"frame of {length} bytes does not fit the frame memory budget of {bytes}");
        }
        stats.RecordReserved(length);
        return new Reservation(lease, length, stats);
    }

    public void Dispose() => _limiter.Dispose();

    private sealed class Reservation(RateLimitLease lease, int length, TransportStats stats) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0)
                return;
            stats.RecordReserved(-length);
            lease.Dispose();
        }
    }
}
