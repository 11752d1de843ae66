using System.Collections.Immutable;
using System.Text;
using WeaveOrleans.Ipam.Addresses;
using WeaveOrleans.Ipam.Peers;

namespace WeaveOrleans.Ipam.Encoding;

// The address-layer values, each refused when out of range rather than built into something invalid.
internal ref partial struct WireReader
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public PeerName Peer()
    {
        var v = Var64();
        return v <= PeerName.MaxValue ? new PeerName(v) : throw Invalid($"peer name {v:x} has more than 48 bits");
    }

    public ImmutableArray<PeerName> Peers()
    {
        var peers = ImmutableArray.CreateBuilder<PeerName>();
        for (var n = Count(); n > 0; n--)
            peers.Add(Peer());
        return peers.ToImmutable();
    }

    /// <summary>Peers that must come in strictly increasing order, as sets and map keys are written.</summary>
    public PeerName NextPeer(ref PeerName? previous)
    {
        var peer = Peer();
        if (previous is { } p && peer.Value <= p.Value)
            throw Invalid($"peer {peer} out of order or repeated");
        previous = peer;
        return peer;
    }

    public AddressRange Range()
    {
        var start = new Address(Var128());
        var size = Var128();
        if (size == UInt128.Zero || start.Value + size < start.Value)
            throw Invalid("empty or wrapping address range");
        return new AddressRange(start, start + size);
    }

    public Cidr Cidr()
    {
        var address = new Address(Var128());
        var prefix = Byte();
        if (prefix > address.FamilyBits)
            throw Invalid($"prefix length {prefix} too long for {address}");
        return new Cidr(address, prefix);
    }

    public string Text(int maxBytes)
    {
        var length = Count();
        if (length > maxBytes)
            throw Invalid($"text of {length} bytes, at most {maxBytes} allowed");
        var bytes = Take(length);
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw Invalid("text is not valid UTF-8");
        }
    }
}
