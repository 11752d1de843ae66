namespace WeaveOrleans.Gossip.Tcp;

/// <summary>The remote broke the wire format; the connection is closed, the listener carries on.</summary>
internal sealed class ProtocolException(string message) : Exception(message);

/// <summary>A handshake that ended in refusal, with the reason the host is told.</summary>
internal sealed class HandshakeRefusedException(string reason, bool permanent = false) : Exception(reason)
{
    /// <summary>Redialling cannot help (it is ourselves), so the dialler gives the address up.</summary>
    public bool Permanent { get; } = permanent;
}
