using System.Collections.Immutable;
using WeaveOrleans.Ipam.Allocation;
using WeaveOrleans.Ipam.Peers;
using WeaveOrleans.Ipam.Rings;

namespace WeaveOrleans.Ipam.Tests.Encoding;

/// <summary>
/// Content equality for decoded values: the records hold ImmutableArray and ImmutableDictionary,
/// which compare by reference, so record equality would call every decoded value different.
/// </summary>
internal static class CodecAssert
{
    public static void Same(RingData? expected, RingData? actual)
    {
        Assert.Equal(expected is null, actual is null);
        if (expected is null || actual is null)
            return;
        Assert.Equal(expected.Universe, actual.Universe);
        Assert.Equal(expected.IsDelta, actual.IsDelta);
        Assert.Equal(expected.Seeds.ToArray(), actual.Seeds.ToArray());
        Assert.Equal(expected.Entries.ToArray(), actual.Entries.ToArray());
    }

    public static void Same(ImmutableDictionary<PeerName, string> expected, ImmutableDictionary<PeerName, string> actual) =>
        Assert.Equal(expected.OrderBy(kv => kv.Key).ToArray(), actual.OrderBy(kv => kv.Key).ToArray());

    public static void Same(PeerMessage expected, PeerMessage actual)
    {
        Assert.Equal(expected.GetType(), actual.GetType());
        if (expected is not Gossip g)
        {
            // SpaceRequest and SpaceRequestDenied hold only a value-type range, so record equality is exact.
            Assert.Equal(expected, actual);
            return;
        }
        var d = (Gossip)actual;
        Same(g.Nicknames, d.Nicknames);
        Assert.Equal(g.Paxos, d.Paxos);
        Same(g.Ring, d.Ring);
        Assert.Equal(g.Removed.OrderBy(kv => kv.Key), d.Removed.OrderBy(kv => kv.Key));
        Assert.Equal(g.RingRequest, d.RingRequest);
        Assert.Equal(g.RingAt, d.RingAt);
        Assert.Equal(g.DeltaBase, d.DeltaBase);
        Assert.Equal(g.Heard, d.Heard);
    }

    public static void Same(AllocatorSnapshot expected, AllocatorSnapshot actual)
    {
        Assert.Equal(expected.Self, actual.Self);
        Assert.Equal(expected.Nickname, actual.Nickname);
        Assert.Equal(expected.Range, actual.Range);
        Same(expected.Ring, actual.Ring);
        Assert.Equal(expected.Paxos, actual.Paxos);
        Same(expected.Nicknames, actual.Nicknames);
        Assert.Equal(expected.Removed.OrderBy(kv => kv.Key), actual.Removed.OrderBy(kv => kv.Key));
        Assert.Equal(expected.RemovedFromNetwork, actual.RemovedFromNetwork);
    }

    public static void Same(OwnedAddresses expected, OwnedAddresses actual)
    {
        Assert.Equal(expected.IsContainer, actual.IsContainer);
        Assert.Equal(expected.Cidrs.ToArray(), actual.Cidrs.ToArray());
    }

    /// <summary>Every strict prefix of a valid encoding, and the encoding with a byte too many, is refused as invalid data.</summary>
    public static void RefusesTruncationAndTrailing(byte[] bytes, DecodeBytes decode)
    {
        for (var n = 0; n < bytes.Length; n++)
            Assert.Throws<InvalidDataException>(() => decode(bytes.AsSpan(0, n)));
        Assert.Throws<InvalidDataException>(() => decode([.. bytes, 0]));
    }

    /// <summary>Decoding arbitrary bytes either succeeds or fails with <see cref="InvalidDataException"/>; anything else fails the test.</summary>
    public static void DecodesOrRefuses(byte[] bytes, DecodeBytes decode)
    {
        try
        {
            decode(bytes);
        }
        catch (InvalidDataException)
        {
        }
    }

    public delegate void DecodeBytes(ReadOnlySpan<byte> bytes);
}
