using System.Collections.Immutable;
using CsCheck;
using WeaveOrleans.Ipam.Addresses;
using WeaveOrleans.Ipam.Allocation;
using WeaveOrleans.Ipam.Encoding;
using WeaveOrleans.Ipam.Peers;
using WeaveOrleans.Ipam.Rings;
using WeaveOrleans.Ipam.Snapshots;
using WeaveOrleans.Ipam.Tests.Encoding;

namespace WeaveOrleans.Ipam.Tests.Snapshots;

public class SnapshotPartsTests
{
    /// <summary>Snapshots as the engine makes them: a ring is absent or a whole ring with entries.</summary>
    internal static readonly Gen<AllocatorSnapshot> EngineSnapshot =
        Gen.Select(CodecGen.Snapshot, CodecGen.Range, CodecGen.Peers.Array[0, 3], (s, range, awaiting) =>
            s with
            {
                Ring = s.Ring is { IsEmpty: false } ring ? ring with { IsDelta = false } : null,
                Quarantine = [.. awaiting.Select((peers, i) => new Quarantine(range, [.. peers]))],
            });

    [Fact]
    public void Assembling_the_parts_of_a_snapshot_gives_it_back() =>
        EngineSnapshot.Sample(snapshot =>
        {
            var assembled = SnapshotParts.Assemble(SnapshotParts.Split(snapshot));
            Assert.Equal(SnapshotCodec.Encode(snapshot), SnapshotCodec.Encode(assembled!));
        }, iter: 500);

    [Fact]
    public void Parts_come_in_any_order()
    {
        var snapshot = Sample();
        var parts = SnapshotParts.Split(snapshot).Reverse().ToList();
        Assert.Equal(SnapshotCodec.Encode(snapshot), SnapshotCodec.Encode(SnapshotParts.Assemble(parts)!));
    }

    [Fact]
    public void Each_ring_entry_nickname_and_removal_is_a_part_of_its_own()
    {
        var keys = SnapshotParts.Split(Sample()).Select(p => p.Key).ToList();
        Assert.Equal(2, keys.Count(k => k.Kind == PartKind.RingEntry));
        Assert.Equal(2, keys.Count(k => k.Kind == PartKind.Nickname));
        Assert.Single(keys, k => k.Kind == PartKind.Removal);
        Assert.Single(keys, k => k.Kind == PartKind.Header);
        Assert.Single(keys, k => k.Kind == PartKind.Ring);
        Assert.Equal(keys.Count, keys.Distinct().Count());
    }

    [Fact]
    public void No_parts_is_no_snapshot() => Assert.Null(SnapshotParts.Assemble([]));

    [Fact]
    public void Parts_that_cannot_make_a_snapshot_are_invalid_data()
    {
        var parts = SnapshotParts.Split(Sample()).ToList();
        Assert.Throws<InvalidDataException>(() => SnapshotParts.Assemble(parts.Where(p => p is not HeaderPart)));
        Assert.Throws<InvalidDataException>(() => SnapshotParts.Assemble(parts.Where(p => p is not RingPart)));
        Assert.Throws<InvalidDataException>(() => SnapshotParts.Assemble(parts.Where(p => p is not RingEntryPart)));
        Assert.Throws<InvalidDataException>(() => SnapshotParts.Assemble([.. parts, parts[0]]));
    }

    internal static AllocatorSnapshot Sample()
    {
        var a = new PeerName(0x0A);
        var b = new PeerName(0x0B);
        var range = Cidr.ParseSubnet("10.0.0.0/24");
        var ring = new RingData(range.Range, [a, b],
            [new RingEntry(range.Range.Start, a, 1, 100), new RingEntry(range.Range.Start + 128, b, 2, 50)]);
        return new AllocatorSnapshot(a, "host-a", range, ring, null,
            ImmutableDictionary<PeerName, string>.Empty.Add(a, "host-a").Add(b, "host-b"),
            ImmutableDictionary<PeerName, PeerName>.Empty.Add(new PeerName(0x0C), a), false);
    }
}
