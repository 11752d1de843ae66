using System.Buffers.Binary;

namespace WeaveOrleans.Gossip.Tcp;

/// <summary>
/// Frames are a 4-byte big-endian payload length, a 1-byte <see cref="FrameKind"/>, then the payload.
/// The length is checked before any payload memory is allocated.
/// </summary>
internal static class FrameCodec
{
    public static async ValueTask WriteAsync(Stream stream, FrameKind kind, ReadOnlyMemory<byte> payload, TransportStats stats, CancellationToken ct)
    {
        var header = new byte[WireProtocol.FrameHeaderSize];
        BinaryPrimitives.WriteInt32BigEndian(header, payload.Length);
        header[4] = (byte)kind;
        await stream.WriteAsync(header, ct).ConfigureAwait(false);
        if (!payload.IsEmpty) await stream.WriteAsync(payload, ct).ConfigureAwait(false);
        stats.RecordSent(kind, WireProtocol.FrameHeaderSize + payload.Length);
    }

    public static async ValueTask<(FrameKind Kind, byte[] Payload)> ReadAsync(Stream stream, int maxPayload, TransportStats stats, CancellationToken ct)
    {
        var header = new byte[WireProtocol.FrameHeaderSize];
        await stream.ReadExactlyAsync(header, ct).ConfigureAwait(false);
        var length = BinaryPrimitives.ReadInt32BigEndian(header);
        if (length < 0 || length > maxPayload)
            throw new ProtocolException($"frame of {(uint)length} bytes exceeds the limit of {maxPayload}");
        var kind = (FrameKind)header[4];
        if (!Enum.IsDefined(kind)) throw new ProtocolException($"unknown frame type {header[4]}");
        var payload = length == 0 ? [] : new byte[length];
        await stream.ReadExactlyAsync(payload, ct).ConfigureAwait(false);
        stats.RecordReceived(kind, WireProtocol.FrameHeaderSize + length);
        return (kind, payload);
    }
}
