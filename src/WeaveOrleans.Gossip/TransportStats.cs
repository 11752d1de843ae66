namespace WeaveOrleans.Gossip;

/// <summary>Frames and bytes (header included) sent and received, per frame kind; safe to read at any time.</summary>
public sealed class TransportStats
{
    private const int Slots = 256;
    private readonly long[] _framesSent = new long[Slots];
    private readonly long[] _bytesSent = new long[Slots];
    private readonly long[] _framesReceived = new long[Slots];
    private readonly long[] _bytesReceived = new long[Slots];

    internal void RecordSent(FrameKind kind, int bytes)
    {
        Interlocked.Increment(ref _framesSent[(byte)kind]);
        Interlocked.Add(ref _bytesSent[(byte)kind], bytes);
    }

    internal void RecordReceived(FrameKind kind, int bytes)
    {
        Interlocked.Increment(ref _framesReceived[(byte)kind]);
        Interlocked.Add(ref _bytesReceived[(byte)kind], bytes);
    }

    public FrameCounters this[FrameKind kind]
    {
        get
        {
            var i = (byte)kind;
            return new FrameCounters(
                Interlocked.Read(ref _framesSent[i]), Interlocked.Read(ref _bytesSent[i]),
                Interlocked.Read(ref _framesReceived[i]), Interlocked.Read(ref _bytesReceived[i]));
        }
    }

    private long _connectionsRefused;
    private long _frameBytesReserved;

    /// <summary>
    /// Connections, either way, that never became a peer connection: refused at accept (rate limit,
    /// no free handshake slot), shed for a newer one, or failed in the handshake. Only increases.
    /// </summary>
    public long ConnectionsRefused => Interlocked.Read(ref _connectionsRefused);

    /// <summary>Bytes that large frames being read right now have reserved (a gauge, at most the budget).</summary>
    public long FrameBytesReserved => Interlocked.Read(ref _frameBytesReserved);

    internal void RecordRefusal() => Interlocked.Increment(ref _connectionsRefused);

    internal void RecordReserved(long bytes) => Interlocked.Add(ref _frameBytesReserved, bytes);

    public IReadOnlyDictionary<FrameKind, FrameCounters> Snapshot() =>
        Enum.GetValues<FrameKind>().ToDictionary(k => k, k => this[k]);
}

public readonly record struct FrameCounters(long FramesSent, long BytesSent, long FramesReceived, long BytesReceived);
