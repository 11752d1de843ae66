namespace WeaveOrleans.Ipam.Encoding;

/// <summary>
/// Reads what <see cref="WireWriter"/> wrote, from bytes a peer or a file supplied: anything malformed
/// is an <see cref="InvalidDataException"/>, never another exception, and lengths are bounded by the
/// bytes left so that a forged length cannot exhaust memory.
/// </summary>
internal ref partial struct WireReader
{
    private readonly ReadOnlySpan<byte> _bytes;
    private readonly string _what;
    private int _pos;

    /// <param name="what">What is being read ("ring", "message"), so that errors say where they came from.</param>
    public WireReader(ReadOnlySpan<byte> bytes, string what)
    {
        _bytes = bytes;
        _what = what;
    }

    public readonly bool AtEnd => _pos == _bytes.Length;

    public byte Byte() => _pos < _bytes.Length ? _bytes[_pos++] : throw Invalid("data ends early");

    public bool Bool() => Byte() switch
    {
        0 => false,
        1 => true,
        var b => throw Invalid($"bad flag {b}"),
    };

    /// <summary>Checks magic and format version; a mismatch names both versions so a host can log which format a peer speaks.</summary>
    /// <summary>Reads a header whose version may be any from <paramref name="oldest"/> to <paramref name="newest"/>; returns it.</summary>
    public byte Header(byte magic, byte oldest, byte newest)
    {
        if (Byte() != magic)
            throw new InvalidDataException($"not an encoded {_what}");
        var version = Byte();
        if (version > newest)
            throw new InvalidDataException($"{_what} format version {version} is newer than this build, which reads versions {oldest} to {newest}");
        if (version < oldest)
            throw new InvalidDataException($"{_what} format version {version} is not supported (this build reads versions {oldest} to {newest})");
        return version;
    }

    public void Header(byte magic, byte supportedVersion)
    {
        if (Byte() != magic)
            throw new InvalidDataException($"not an encoded {_what}");
        var version = Byte();
        if (version > supportedVersion)
            throw new InvalidDataException($"{_what} format version {version} is newer than this build, which reads version {supportedVersion}");
        if (version != supportedVersion)
            throw new InvalidDataException($"{_what} format version {version} is not supported (this build reads version {supportedVersion})");
    }

    public UInt128 Var128()
    {
        UInt128 value = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = Byte();
            // Only the canonical (shortest) encoding is accepted, so every value has exactly one form.
            if (b == 0 && shift > 0)
                throw Invalid("varint with a redundant zero byte");
            if (shift == 126 && b > 0x03)
                throw Invalid("varint too long");
            value |= (UInt128)(b & 0x7f) << shift;
            if (b < 0x80)
                return value;
        }
    }

    public ulong Var64()
    {
        var v = Var128();
        return v <= ulong.MaxValue ? (ulong)v : throw Invalid("number too large");
    }

    public uint UInt32()
    {
        var v = Var64();
        return v <= uint.MaxValue ? (uint)v : throw Invalid("number too large");
    }

    /// <summary>A length prefix; every counted item takes at least one byte, so more than the bytes left is a lie.</summary>
    public int Count()
    {
        var n = Var64();
        return n <= (ulong)(_bytes.Length - _pos) ? (int)n : throw Invalid("length larger than the data");
    }

    public ReadOnlySpan<byte> Take(int length)
    {
        if (length > _bytes.Length - _pos)
            throw Invalid("data ends early");
        var slice = _bytes.Slice(_pos, length);
        _pos += length;
        return slice;
    }

    public readonly void End()
    {
        if (!AtEnd)
            throw Invalid($"{_bytes.Length - _pos} trailing bytes");
    }

    public readonly InvalidDataException Invalid(string problem) => new($"bad {_what}: {problem}");
}
