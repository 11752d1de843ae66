namespace WeaveOrleans.Gossip.Tcp;

/// <summary>Constants of the wire format shared by the codec, the hello and the handshake.</summary>
internal static class WireProtocol
{
    public const byte Version = 1;

    /// <summary>"WVOG": lets us tell a stray client or another protocol from a peer at the first bytes.</summary>
    public static ReadOnlySpan<byte> Magic => "WVOG"u8;

    public const int PreambleSize = 5;

    public const int FrameHeaderSize = 5;

    /// <summary>Frames before authentication are small; a big one there is an attack or a bug.</summary>
    public const int MaxHandshakeFrameSize = 64 * 1024;

    public const int MaxStringBytes = 255;

    public const int MaxKnownAddresses = 200;

    public const int NonceSize = 32;
}
