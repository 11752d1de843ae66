using System.Net;

namespace WeaveOrleans.Gossip.Tcp;

public sealed record TcpPeerTransportOptions
{
    /// <summary>Where to accept peers; port 0 picks an ephemeral port (see <see cref="TcpPeerTransport.LocalEndPoint"/>).</summary>
    public IPEndPoint ListenEndPoint { get; init; } = new(IPAddress.Any, 6783);

    public string Nickname { get; init; } = Environment.MachineName;

    /// <summary>Shared secret; when set, peers must prove they know it before any payload is accepted.</summary>
    public string? Password { get; init; }

    public int MaxFrameSize { get; init; } = 16 * 1024 * 1024;

    /// <summary>What frames being read on all connections together may hold; at least <see cref="MaxFrameSize"/>.</summary>
    public int MaxFrameBytesInFlight { get; init; } = 64 * 1024 * 1024;

    /// <summary>Whether addresses learned from peers' hellos are dialled at all (Weave's <c>--no-discovery</c> turns this off).</summary>
    public bool PeerDiscovery { get; init; } = true;

    /// <summary>Addresses learned from peers' hellos that are dialled at once; more are ignored until some are forgotten.</summary>
    public int MaxLearnedTargets { get; init; } = 64;

    /// <summary>Failed dials in a row after which a learned address is forgotten (a launch peer never is).</summary>
    public int LearnedDialAttempts { get; init; } = 8;

    /// <summary>
    /// At most this many peer connections at once (Weave's <c>--conn-limit</c>; 0 for no limit): one more,
    /// dialled or accepted, is refused with "connection limit reached", and its dialler tries again
    /// after its back-off. Gossip relays reach the peers beyond it.
    /// </summary>
    public int ConnectionLimit { get; init; }

    /// <summary>
    /// At its connection limit, a host closes its oldest connection this often (when it is at least
    /// this old and some dial target is not connected) and takes that peer back only after as long
    /// again, so its slots do not stay with the first peers it met: a group whose members filled each
    /// other's slots (a partition's side, after the heal) would otherwise never hear the rest.
    /// <see cref="TimeSpan.Zero"/> turns rotation off.
    /// </summary>
    public TimeSpan ConnectionRotationInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>A peer that has queued more than this for one slow connection is dropped rather than buffered forever.</summary>
    public long MaxQueuedBytesPerPeer { get; init; } = 64L * 1024 * 1024;

    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>An idle connection sends a ping this often.</summary>
    public TimeSpan PingInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>A connection that hears nothing for this many ping intervals is dropped as dead.</summary>
    public int MissedPingsBeforeDrop { get; init; } = 3;

    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromMilliseconds(500);

    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Only tests change this, to show that mismatched versions refuse each other.</summary>
    internal byte ProtocolVersion { get; init; } = WireProtocol.Version;

    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(ListenEndPoint);
        if (MaxFrameSize < 1024) throw new ArgumentOutOfRangeException(nameof(MaxFrameSize), "must be at least 1024 bytes");
        if (MaxFrameBytesInFlight < MaxFrameSize) throw new ArgumentOutOfRangeException(nameof(MaxFrameBytesInFlight), "must be at least MaxFrameSize");
        if (ConnectionLimit < 0) throw new ArgumentOutOfRangeException(nameof(ConnectionLimit));
        if (ConnectionRotationInterval < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(ConnectionRotationInterval));
        if (MaxLearnedTargets < 0) throw new ArgumentOutOfRangeException(nameof(MaxLearnedTargets));
        if (LearnedDialAttempts < 1) throw new ArgumentOutOfRangeException(nameof(LearnedDialAttempts));
        if (PingInterval <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(PingInterval));
        if (MissedPingsBeforeDrop < 1) throw new ArgumentOutOfRangeException(nameof(MissedPingsBeforeDrop));
        if (InitialBackoff <= TimeSpan.Zero || MaxBackoff < InitialBackoff) throw new ArgumentOutOfRangeException(nameof(InitialBackoff));
        if (System.Text.Encoding.UTF8.GetByteCount(Nickname) > WireProtocol.MaxStringBytes)
            throw new ArgumentOutOfRangeException(nameof(Nickname), "too long");
    }
}
