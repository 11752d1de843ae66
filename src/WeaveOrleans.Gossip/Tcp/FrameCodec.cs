using System.Buffers.Binary;

namespace WeaveOrleans.Gossip.Tcp;

/// <summary>
/// Frames are a 4-byte big-endian payload length, a 1-byte <see cref="FrameKind"/>, then the payload.
/// The length is checked before anything is read, and a large payload's buffer grows with what
/// actually arrives, never with what the length claims.
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

    /// <param name="budget">Shared by all connections; large frames reserve their length from it while they are read.</param>
    public static async ValueTask<(FrameKind Kind, byte[] Payload)> ReadAsync(Stream stream, int maxPayload, TransportStats stats, CancellationToken ct, FrameBudget? budget = null)
    {
        var header = new byte[WireProtocol.FrameHeaderSize];
        await stream.ReadExactlyAsync(header, ct).ConfigureAwait(false);
        var length = BinaryPrimitives.ReadInt32BigEndian(header);
        if (length < 0 || length > maxPayload)
            throw new ProtocolException($"frame of {(uint)length} bytes exceeds the limit of {maxPayload}");
        var kind = (FrameKind)header[4];
        if (!Enum.IsDefined(kind)) throw new ProtocolException($"unknown frame type {header[4]}");
        byte[] payload;
        if (length <= FrameBudget.SmallFrame)
        {
            payload = length == 0 ? [] : new byte[length];
            await stream.ReadExactlyAsync(payload, ct).ConfigureAwait(false);
        }
        else
        {
            using var reservation = budget is null ? null : await budget.ReserveAsync(length, ct).ConfigureAwait(false);
            payload = await ReadGrowingAsync(stream, length, ct).ConfigureAwait(false);
        }
        stats.RecordReceived(kind, WireProtocol.FrameHeaderSize + length);
        return (kind, payload);
    }

    /// <summary>Doubles the buffer only once it is full, so a sender pays in bytes sent for the memory it makes us hold.</summary>
    private static async ValueTask<byte[]> ReadGrowingAsync(Stream stream, int length, CancellationToken ct)
    {
        var buffer = new byte[FrameBudget.SmallFrame];
        var filled = 0;
        while (filled < length)
        {
            if (filled == buffer.Length)
                Array.Resize(ref buffer, (int)Math.Min(length, 2L * buffer.Length));
            var n = await stream.ReadAsync(buffer.AsMemory(filled), ct).ConfigureAwait(false);
            if (n == 0) throw new EndOfStreamException();
            filled += n;
        }
        return buffer;
    }
}
