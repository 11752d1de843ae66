using System.Collections.Immutable;
using CsCheck;
using WeaveOrleans.Ipam.Addresses;
using WeaveOrleans.Ipam.Allocation;
using WeaveOrleans.Ipam.Encoding;
using WeaveOrleans.Ipam.Peers;

namespace WeaveOrleans.Ipam.Tests.Encoding;

public class SnapshotCodecTests
{
    private static readonly byte[] TenZero = [0x80, 0x80, 0x80, 0xD0, 0xF0, 0xFF, 0x3F];

    [Fact]
    public void Random_snapshots_round_trip() =>
        CodecGen.Snapshot.Sample(snapshot =>
        {
            var bytes = SnapshotCodec.Encode(snapshot);
            var decoded = SnapshotCodec.Decode(bytes);
            CodecAssert.Same(snapshot, decoded);
            Assert.Equal(bytes, SnapshotCodec.Encode(decoded));
        }, iter: 1000);

    [Fact]
    public void Every_truncation_of_a_valid_snapshot_is_invalid_data() =>
        CodecGen.Snapshot.Sample(s => CodecAssert.RefusesTruncationAndTrailing(SnapshotCodec.Encode(s), b => SnapshotCodec.Decode(b)), iter: 200);

    [Fact]
    public void Random_bytes_decode_or_are_invalid_data() =>
        Gen.Byte.Array[0, 64].Sample(tail =>
        {
            CodecAssert.DecodesOrRefuses(tail, b => SnapshotCodec.Decode(b));
            CodecAssert.DecodesOrRefuses([(byte)'S', AllocatorSnapshot.CurrentFormatVersion, .. tail], b => SnapshotCodec.Decode(b));
        }, iter: 5000);

    [Fact]
    public void Golden_bytes_pin_the_format()
    {
        var snapshot = new AllocatorSnapshot(new PeerName(0x0A), "h", Cidr.Parse("10.0.0.0/30"), null, null,
            ImmutableDictionary<PeerName, string>.Empty, ImmutableDictionary<PeerName, PeerName>.Empty.Add(new PeerName(0x0B), new PeerName(0x0A)), false);
        byte[] expected = [0x53, 0x01, 0x0A, 0x01, 0x68, .. TenZero, 0x1E, 0x00, 0x00, 0x00, 0x01, 0x0B, 0x0A, 0x00, 0x00];
        Assert.Equal(expected, SnapshotCodec.Encode(snapshot));
        CodecAssert.Same(snapshot, SnapshotCodec.Decode(expected));
    }

    [Fact]
    public void A_snapshot_from_a_newer_release_is_refused_with_its_version()
    {
        byte[] bytes = [0x53, AllocatorSnapshot.CurrentFormatVersion + 1, 0x0A, 0x01, 0x68, .. TenZero, 0x1E, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00];
        var error = Assert.Throws<InvalidDataException>(() => SnapshotCodec.Decode(bytes));
        Assert.Contains($"format version {AllocatorSnapshot.CurrentFormatVersion + 1}", error.Message);
    }

    [Fact]
    public void A_range_with_a_prefix_too_long_for_ipv4_is_refused() =>
        Assert.Throws<InvalidDataException>(() => SnapshotCodec.Decode([0x53, 0x01, 0x0A, 0x01, 0x68, .. TenZero, 33, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00]));

    [Fact]
    public void A_peer_name_wider_than_48_bits_is_refused() =>
        Assert.Throws<InvalidDataException>(() => SnapshotCodec.Decode([0x53, 0x01, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01]));
}
