using System.Buffers;
using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Text.Unicode;

namespace WeaveOrleans.Ipam.Allocation.Holdings;

/// <summary>
/// The byte form in which the ident table keeps an ident. Container ids (64 lowercase hex digits)
/// are by far the most common idents and pack two digits to a byte: 32 bytes instead of the 150 a
/// .NET string of them takes. Anything else is UTF-8, or its UTF-16 code units when it is not valid
/// Unicode (a lone surrogate), so every string comes back exactly as it went in. The form is a function
/// of the string, so equal idents have equal keys.
/// </summary>
internal static class IdentKey
{
    public const int Utf8Kind = 0;
    public const int HexKind = 1;
    public const int Utf16Kind = 2;

    /// <summary>Enough room for any form of <paramref name="ident"/>.</summary>
    public static int MaxBytes(string ident) => ident.Length * 3;

    /// <summary>Writes the key into <paramref name="destination"/> (at least <see cref="MaxBytes"/> long) and says which form it took.</summary>
    public static int Encode(string ident, Span<byte> destination, out int written)
    {
        if (IsLowerHex(ident)
            && Convert.FromHexString(ident, destination, out _, out written) == OperationStatus.Done)
            return HexKind;
        if (Utf8.FromUtf16(ident, destination, out _, out written, replaceInvalidSequences: false) == OperationStatus.Done)
            return Utf8Kind;
        var units = MemoryMarshal.AsBytes(ident.AsSpan());
        units.CopyTo(destination);
        written = units.Length;
        return Utf16Kind;
    }

    public static string Decode(int kind, ReadOnlySpan<byte> key) => kind switch
    {
        HexKind => Convert.ToHexStringLower(key),
        Utf8Kind => System.Text.Encoding.UTF8.GetString(key),
        _ => new string(MemoryMarshal.Cast<byte, char>(key)),
    };

    /// <summary>A deterministic hash (not the process-randomised string hash), so probe sequences replay too.</summary>
    public static int Hash(int kind, ReadOnlySpan<byte> key)
    {
        var h = 0xcbf29ce484222325UL ^ (ulong)kind;
        while (key.Length >= 8)
        {
            h = (h ^ BinaryPrimitives.ReadUInt64LittleEndian(key)) * 0x100000001b3UL;
            h = BitOperations.RotateLeft(h, 29);
            key = key[8..];
        }
        foreach (var b in key)
            h = (h ^ b) * 0x100000001b3UL;
        return (int)Mix(h ^ (ulong)key.Length);
    }

    public static ulong Mix(ulong h)
    {
        h ^= h >> 33;
        h *= 0xff51afd7ed558ccdUL;
        h ^= h >> 33;
        h *= 0xc4ceb9fe1a85ec53UL;
        return h ^ (h >> 33);
    }

    private static readonly SearchValues<char> LowerHexDigits = SearchValues.Create("0123456789abcdef");

    private static bool IsLowerHex(string s) =>
        s.Length > 0 && s.Length % 2 == 0 && !s.AsSpan().ContainsAnyExcept(LowerHexDigits);
}
