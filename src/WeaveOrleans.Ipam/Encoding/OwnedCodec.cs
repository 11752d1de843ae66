using System.Collections.Immutable;
using WeaveOrleans.Ipam.Addresses;
using WeaveOrleans.Ipam.Allocation;

namespace WeaveOrleans.Ipam.Encoding;

/// <summary>
/// The byte form of one ident's <see cref="OwnedAddresses"/> row. Versioned like the snapshot because
/// rows outlive the release that wrote them.
/// </summary>
public static class OwnedCodec
{
    private const byte Magic = (byte)'O';
    private const byte FormatVersion = 1;

    public static byte[] Encode(OwnedAddresses owned)
    {
        var w = new WireWriter();
        w.Header(Magic, FormatVersion);
        w.Bool(owned.IsContainer);
        var cidrs = owned.Cidrs.IsDefault ? [] : owned.Cidrs;
        w.Count(cidrs.Length);
        foreach (var cidr in cidrs)
            w.Cidr(cidr);
        return w.ToArray();
    }

    /// <summary>Anything malformed is an <see cref="InvalidDataException"/>, never another exception.</summary>
    public static OwnedAddresses Decode(ReadOnlySpan<byte> bytes)
    {
        var r = new WireReader(bytes, "owned addresses");
        r.Header(Magic, FormatVersion);
        var isContainer = r.Bool();
        var cidrs = ImmutableArray.CreateBuilder<Cidr>();
        for (var n = r.Count(); n > 0; n--)
            cidrs.Add(r.Cidr());
        r.End();
        return new OwnedAddresses(isContainer, cidrs.ToImmutable());
    }
}
