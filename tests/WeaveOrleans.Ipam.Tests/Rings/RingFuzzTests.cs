using System.Collections.Immutable;
using CsCheck;
using WeaveOrleans.Ipam.Addresses;
using WeaveOrleans.Ipam.Peers;
using WeaveOrleans.Ipam.Rings;
using static WeaveOrleans.TestSupport.TestAddresses;
using static WeaveOrleans.TestSupport.TestPeers;
using static WeaveOrleans.Ipam.Tests.Rings.RingBuilder;

namespace WeaveOrleans.Ipam.Tests.Rings;

/// <summary>Whatever a peer sends, valid or not, a merge answers with a result and never throws.</summary>
public class RingFuzzTests
{
    private static readonly Gen<RingEntry> GenEntry =
        Gen.Select(Gen.UInt[0, 300], Gen.Int[1, 5], Gen.UInt[0, 5], Gen.UInt[0, 300], Gen.Int[-1, 255],
            (offset, peer, version, free, end) => new RingEntry(A("10.0.0.0") + offset, P(peer), version, free)
                with { End = end < 0 || offset > 255 ? null : A("10.0.0.0") + (uint)end, EndVersion = end < 0 || offset > 255 ? 0 : version });

    private static readonly Gen<RingData> GenRing =
        Gen.Select(GenEntry.Array[0, 8], Gen.Bool, Gen.Bool, Gen.Int[0, 3], (entries, sort, delta, seeds) =>
        {
            var list = sort ? entries.OrderBy(e => e.Token).ToArray() : entries;
            var seedList = Enumerable.Range(1, seeds).Select(P).ToImmutableArray();
            return new RingData(Universe, seedList, [.. list], delta);
        });

    private static Ring Local()
    {
        var ring = new Ring(Universe, P(1));
        ring.ClaimForPeers([P(1), P(2), P(3)]);
        return ring;
    }

    [Fact]
    public void A_random_received_ring_never_throws_and_a_refusal_leaves_the_ring_unchanged() =>
        Gen.Select(GenRing, Gen.Bool).Sample((incoming, allocations) =>
        {
            var ring = Local();
            var before = ring.Entries();
            var result = ring.Merge(incoming, _ => allocations);
            if (result.IsError)
                Assert.Equal(before, ring.Entries());
        }, iter: 2000);

    [Fact]
    public void Random_rings_round_trip_through_the_codec() =>
        GenRing.Where(r => r.Entries.Select(e => e.Token).Distinct().Order().SequenceEqual(r.Entries.Select(e => e.Token))).Sample(ring =>
        {
            var decoded = RingCodec.Decode(RingCodec.Encode(ring));
            Assert.Equal(ring.Universe, decoded.Universe);
            Assert.Equal(ring.IsDelta, decoded.IsDelta);
            Assert.Equal(ring.Seeds.ToArray(), decoded.Seeds.ToArray());
            Assert.Equal(ring.Entries.ToArray(), decoded.Entries.ToArray());
        }, iter: 500);

    [Fact]
    public void Random_bytes_decode_to_a_ring_or_an_invalid_data_error_only() =>
        Gen.Byte.Array[0, 64].Sample(bytes =>
        {
            try
            {
                RingCodec.Decode(bytes);
            }
            catch (InvalidDataException)
            {
            }
        }, iter: 5000);

    [Fact]
    public void Encoding_an_unsorted_ring_is_a_programming_error() =>
        Assert.Throws<ArgumentException>(() => RingCodec.Encode(Data(E("10.0.0.9", 1, 0, 1), E("10.0.0.3", 2, 0, 1))));

    [Fact]
    public void Truncated_encodings_are_refused()
    {
        var bytes = RingCodec.Encode(Local().ToData());
        for (var n = 0; n < bytes.Length; n++)
            Assert.Throws<InvalidDataException>(() => RingCodec.Decode(bytes.AsSpan(0, n)));
    }

    [Fact]
    public void Encoding_a_ten_thousand_entry_ring_costs_a_few_bytes_an_entry()
    {
        var ring = new Ring(C("10.32.0.0/12"), P(1));
        ring.ClaimForPeers(Enumerable.Range(1, 10_000).Select(i => new PeerName((ulong)i)));
        var size = RingCodec.Encode(ring.ToData()).Length;
        Assert.InRange(size, 10_000, 10_000 * 12);
    }
}
