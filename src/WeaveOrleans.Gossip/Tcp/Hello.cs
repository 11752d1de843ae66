using System.Buffers.Binary;
using System.Text;
using WeaveOrleans.Ipam.Peers;

namespace WeaveOrleans.Gossip.Tcp;

/// <summary>What each side says about itself once the other is authenticated (or no password is set).</summary>
internal sealed record Hello(PeerName Name, int ListenPort, string Nickname, IReadOnlyList<string> KnownAddresses)
{
    public byte[] Encode()
    {
        var nick = Encoding.UTF8.GetBytes(Nickname);
        var addresses = KnownAddresses.Take(WireProtocol.MaxKnownAddresses)
            .Select(a => Encoding.UTF8.GetBytes(a))
            .Where(a => a.Length <= WireProtocol.MaxStringBytes)
            .ToList();
        var size = 6 + 2 + 1 + nick.Length + 2 + addresses.Sum(a => 1 + a.Length);
        var buffer = new byte[size];
        var w = new SpanWriter(buffer);
        w.UInt48(Name.Value);
        w.UInt16((ushort)ListenPort);
        w.ShortString(nick);
        w.UInt16((ushort)addresses.Count);
        foreach (var a in addresses) w.ShortString(a);
        return buffer;
    }

    public static Hello Decode(ReadOnlySpan<byte> data)
    {
        var r = new SpanReader(data);
        var name = new PeerName(r.UInt48());
        var port = r.UInt16();
        var nick = r.ShortString();
        var count = r.UInt16();
        if (count > WireProtocol.MaxKnownAddresses) throw new ProtocolException($"hello lists {count} addresses, more than {WireProtocol.MaxKnownAddresses}");
        var addresses = new List<string>(count);
        for (var i = 0; i < count; i++) addresses.Add(r.ShortString());
        if (!r.AtEnd) throw new ProtocolException("trailing bytes after hello");
        if (name == PeerName.None) throw new ProtocolException("hello carries the empty peer name");
        if (port == 0) throw new ProtocolException("hello carries listen port 0");
        return new Hello(name, port, nick, addresses);
    }

    private ref struct SpanWriter(Span<byte> span)
    {
        private readonly Span<byte> _span = span;
        private int _pos;

        public void Byte(byte b) => _span[_pos++] = b;
        public void UInt16(ushort v) { BinaryPrimitives.WriteUInt16BigEndian(_span[_pos..], v); _pos += 2; }
        public void UInt48(ulong v) { for (var i = 5; i >= 0; i--) Byte((byte)(v >> (8 * i))); }
        public void Bytes(ReadOnlySpan<byte> b) { b.CopyTo(_span[_pos..]); _pos += b.Length; }
        public void ShortString(byte[] utf8) { Byte((byte)utf8.Length); Bytes(utf8); }
    }

    private ref struct SpanReader(ReadOnlySpan<byte> span)
    {
        private readonly ReadOnlySpan<byte> _span = span;
        private int _pos;

        public readonly bool AtEnd => _pos == _span.Length;

        public ReadOnlySpan<byte> Bytes(int n)
        {
            if (_span.Length - _pos < n) throw new ProtocolException("hello is truncated");
            var s = _span.Slice(_pos, n);
            _pos += n;
            return s;
        }

        public byte Byte() => Bytes(1)[0];
        public ushort UInt16() => BinaryPrimitives.ReadUInt16BigEndian(Bytes(2));

        public ulong UInt48()
        {
            ulong v = 0;
            foreach (var b in Bytes(6)) v = (v << 8) | b;
            return v;
        }

        public string ShortString()
        {
            var n = Byte();
            try { return new UTF8Encoding(false, true).GetString(Bytes(n)); }
            catch (ArgumentException) { throw new ProtocolException("hello has a string that is not UTF-8"); }
        }
    }
}
