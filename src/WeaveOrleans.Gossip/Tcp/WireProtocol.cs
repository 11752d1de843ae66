namespace WeaveOrleans.Gossip.Tcp;

/// <summary>Constants of the wire format shared by the codec, the hello and the handshake.</summary>
internal static class WireProtocol
{
    /// <summary>
    /// Peers of different versions refuse each other at the preamble, with the reason on both sides.
    /// 2: the hello (name, nickname, addresses) follows the password proof instead of preceding it.
    /// </summary>
    public const byte Version = 2;

    /// <summary>"WVOG": lets us tell a stray client or another protocol from a peer at the first bytes.</summary>
    public static ReadOnlySpan<byte> Magic => "WVOG"u8;

    public const int PreambleSize = 5;

    public const int FrameHeaderSize = 5;

    /// <summary>Challenge and proof are tens of bytes; anything bigger before authentication is refused.</summary>
    public const int MaxPreAuthFrameSize = 64;

    /// <summary>A refusal's reason is cut to this before it is shown.</summary>
    public const int MaxRefusalSize = 1024;

    /// <summary>The hello: at most <see cref="MaxKnownAddresses"/> short strings.</summary>
    public const int MaxHandshakeFrameSize = 64 * 1024;

    public const int MaxStringBytes = 255;

    public const int MaxKnownAddresses = 200;

    public const int NonceSize = 32;
}
