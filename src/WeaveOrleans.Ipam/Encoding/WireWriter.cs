using System.Buffers;
using System.Text;
using WeaveOrleans.Ipam.Addresses;
using WeaveOrleans.Ipam.Peers;

namespace WeaveOrleans.Ipam.Encoding;

/// <summary>
/// Appends the primitives every codec shares: bytes, LEB128 varints, bounded UTF-8 text and the
/// address-layer values. Refuses values its <see cref="WireReader"/> would refuse, so that whatever
/// this peer sends, every peer of the same format can read back.
/// </summary>
internal sealed class WireWriter
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly ArrayBufferWriter<byte> _buffer = new();

    public void Byte(byte value)
    {
        _buffer.GetSpan(1)[0] = value;
        _buffer.Advance(1);
    }

    public void Bool(bool value) => Byte(value ? (byte)1 : (byte)0);

    public void Header(byte magic, byte version)
    {
        Byte(magic);
        Byte(version);
    }

    public void Var(UInt128 value)
    {
        while (value >= 0x80)
        {
            Byte((byte)(value | 0x80));
            value >>= 7;
        }
        Byte((byte)value);
    }

    public void Count(int count) => Var((ulong)count);

    public void Peer(PeerName peer)
    {
        if (peer.Value > PeerName.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(peer), peer.Value, "peer names have 48 bits");
        Var(peer.Value);
    }

    public void Peers(IReadOnlyCollection<PeerName> peers)
    {
        Count(peers.Count);
        foreach (var peer in peers)
            Peer(peer);
    }

    /// <summary>A non-empty range, as start and size so that the reader can refuse an empty or wrapping one.</summary>
    public void Range(AddressRange range)
    {
        if (range.IsEmpty)
            throw new ArgumentException($"an empty range ({range}) cannot be encoded", nameof(range));
        Var(range.Start.Value);
        Var(range.Size);
    }

    public void Cidr(Cidr cidr)
    {
        if (cidr.PrefixLength < 0 || cidr.PrefixLength > cidr.Address.FamilyBits)
            throw new ArgumentOutOfRangeException(nameof(cidr), cidr.PrefixLength, $"prefix length out of range for {cidr.Address}");
        Var(cidr.Address.Value);
        Byte((byte)cidr.PrefixLength);
    }

    public void Text(string text, int maxBytes)
    {
        var bytes = StrictUtf8.GetBytes(text);
        if (bytes.Length > maxBytes)
            throw new ArgumentException($"\"{text}\" takes {bytes.Length} bytes of UTF-8; at most {maxBytes} can be encoded", nameof(text));
        Count(bytes.Length);
        bytes.CopyTo(_buffer.GetSpan(bytes.Length));
        _buffer.Advance(bytes.Length);
    }

    public byte[] ToArray() => _buffer.WrittenSpan.ToArray();
}
