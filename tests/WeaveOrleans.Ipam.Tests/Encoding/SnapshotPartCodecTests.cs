using CsCheck;
using WeaveOrleans.Ipam.Addresses;
using WeaveOrleans.Ipam.Encoding;
using WeaveOrleans.Ipam.Peers;
using WeaveOrleans.Ipam.Rings;
using WeaveOrleans.Ipam.Snapshots;
using WeaveOrleans.Ipam.Tests.Snapshots;

namespace WeaveOrleans.Ipam.Tests.Encoding;

public class SnapshotPartCodecTests
{
    [Fact]
    public void Every_part_of_random_snapshots_round_trips_under_its_key() =>
        SnapshotPartsTests.EngineSnapshot.Sample(snapshot =>
        {
            foreach (var part in SnapshotParts.Split(snapshot))
            {
                var bytes = SnapshotPartCodec.Encode(part);
                var decoded = SnapshotPartCodec.Decode(SnapshotPartCodec.KeyOf(part.Key), bytes);
                Assert.Equal(part, decoded);
                Assert.Equal(bytes, SnapshotPartCodec.Encode(decoded));
            }
        }, iter: 300);

    [Fact]
    public void A_stored_snapshot_decodes_from_its_keyed_records()
    {
        var snapshot = SnapshotPartsTests.Sample();
        var records = SnapshotParts.Split(snapshot).ToDictionary(p => SnapshotPartCodec.KeyOf(p.Key), SnapshotPartCodec.Encode);
        Assert.Equal(SnapshotCodec.Encode(snapshot), SnapshotCodec.Encode(SnapshotPartCodec.DecodeSnapshot(records)!));
    }

    [Fact]
    public void Keys_name_the_token_or_peer_they_are_about()
    {
        Assert.Equal("header", SnapshotPartCodec.KeyOf(new PartKey(PartKind.Header)));
        Assert.Equal("entry/10.32.0.0", SnapshotPartCodec.KeyOf(new PartKey(PartKind.RingEntry, Address.Parse("10.32.0.0").Value)));
        Assert.Equal("nickname/00:00:00:00:00:0a", SnapshotPartCodec.KeyOf(new PartKey(PartKind.Nickname, 0x0A)));
        Assert.Equal("removed/00:00:00:00:00:0b", SnapshotPartCodec.KeyOf(new PartKey(PartKind.Removal, 0x0B)));
    }

    [Fact]
    public void A_record_filed_under_another_key_is_invalid_data()
    {
        var bytes = SnapshotPartCodec.Encode(new RingEntryPart(new RingEntry(Address.Parse("10.0.0.0"), new PeerName(1), 1, 1)));
        var error = Assert.Throws<InvalidDataException>(() => SnapshotPartCodec.Decode("entry/10.0.0.1", bytes));
        Assert.Contains("entry/10.0.0.0", error.Message);
    }

    [Fact]
    public void Every_truncation_of_a_valid_part_is_invalid_data()
    {
        foreach (var part in SnapshotParts.Split(SnapshotPartsTests.Sample()))
        {
            var key = SnapshotPartCodec.KeyOf(part.Key);
            CodecAssert.RefusesTruncationAndTrailing(SnapshotPartCodec.Encode(part), b => SnapshotPartCodec.Decode(key, b));
        }
    }

    [Fact]
    public void Random_bytes_decode_or_are_invalid_data() =>
        Gen.Byte.Array[0, 48].Sample(tail =>
        {
            foreach (var key in new[] { "header", "ring", "entry/10.0.0.0", "consensus", "quarantine", SnapshotPartCodec.KeyOf(new PartKey(PartKind.Elector, 0x0A)) })
                CodecAssert.DecodesOrRefuses([(byte)'T', 1, .. tail], b => SnapshotPartCodec.Decode(key, b));
        }, iter: 3000);

    [Fact]
    public void Golden_bytes_pin_the_format_of_a_ring_entry()
    {
        var part = new RingEntryPart(new RingEntry(Address.Parse("10.0.0.0"), new PeerName(0x0A), 2, 3));
        byte[] expected = [(byte)'T', 0x01, 0x03, 0x80, 0x80, 0x80, 0xD0, 0xF0, 0xFF, 0x3F, 0x0A, 0x02, 0x03];
        Assert.Equal(expected, SnapshotPartCodec.Encode(part));
    }

    [Fact]
    public void A_ring_entry_with_an_end_is_format_2_with_the_end_after_the_fields_of_earlier_releases()
    {
        var entry = new RingEntry(Address.Parse("10.0.0.0"), new PeerName(0x0A), 2, 3) with { End = Address.Parse("10.0.0.1"), EndVersion = 1 };
        byte[] old = [(byte)'T', 0x01, 0x03, 0x80, 0x80, 0x80, 0xD0, 0xF0, 0xFF, 0x3F, 0x0A, 0x02, 0x03];
        byte[] expected = [(byte)'T', 0x02, .. old[2..], 0x81, 0x80, 0x80, 0xD0, 0xF0, 0xFF, 0x3F, 0x01];

        Assert.Equal(expected, SnapshotPartCodec.Encode(new RingEntryPart(entry)));
        Assert.Equal(new RingEntryPart(entry), SnapshotPartCodec.Decode("entry/10.0.0.0", expected));
        // A record of an earlier release reads as an entry without an end.
        Assert.Equal(new RingEntryPart(entry with { End = null, EndVersion = 0 }), SnapshotPartCodec.Decode("entry/10.0.0.0", old));
    }
}
