namespace WeaveOrleans.Gossip.Tcp;

/// <summary>
/// The only thing a side says before the other has proved it knows the password: whether it wants
/// one, and a fresh nonce that makes every proof unique to this connection.
/// </summary>
internal sealed record Challenge(bool RequiresPassword, byte[] Nonce)
{
    public const int Size = 1 + WireProtocol.NonceSize;

    public byte[] Encode() => [RequiresPassword ? (byte)1 : (byte)0, .. Nonce];

    public static Challenge Decode(ReadOnlySpan<byte> data)
    {
        if (data.Length != Size) throw new ProtocolException($"challenge of {data.Length} bytes, expected {Size}");
        if (data[0] > 1) throw new ProtocolException($"challenge has unknown flags {data[0]}");
        return new Challenge(data[0] == 1, data[1..].ToArray());
    }
}
