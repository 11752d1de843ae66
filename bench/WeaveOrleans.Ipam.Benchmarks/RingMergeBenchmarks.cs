using BenchmarkDotNet.Attributes;
using WeaveOrleans.Ipam.Addresses;
using WeaveOrleans.Ipam.FreeList;
using WeaveOrleans.Ipam.Rings;

namespace WeaveOrleans.Ipam.Benchmarks;

/// <summary>
/// Gossip handling on rings of growing size. A merge changes the ring it lands in, so every merge
/// needs a fresh copy of the local ring; the copies are restored in [IterationSetup] and each
/// invocation merges into all of them, because a single sub-millisecond merge per iteration would
/// be mostly timer noise.
/// </summary>
[MemoryDiagnoser]
// The machine is shared: the minimum and median resist other load better than the mean.
[MinColumn, MedianColumn]
[SimpleJob(warmupCount: 3, iterationCount: 8)]
public class RingMergeBenchmarks
{
    private const int Copies = 64;

    private readonly Ring[] _targets = new Ring[Copies];
    private RingData _local = null!;
    private RingData _incoming = null!;
    private RingData _delta = null!;
    private byte[] _incomingBytes = [];
    private Func<AddressRange, bool> _hasAllocations = null!;

    [Params(100, 1000, 10000)]
    public int Entries { get; set; }

    [GlobalSetup]
    public void BuildRings()
    {
        var ring = Workloads.SplitRing(Entries);
        if (ring.Count != Entries)
            throw new InvalidOperationException($"the split made {ring.Count} entries, not {Entries}");
        _local = ring.ToData();
        _incoming = Workloads.AfterOneFreeReport(_local);
        _delta = Workloads.OneEntryDelta(_local);
        _incomingBytes = RingCodec.Encode(_incoming);

        // The local peer's real free list, holding one address, answers the "in use here?" questions.
        var space = new Space();
        foreach (var r in ring.OwnedRanges())
            space.AddOwned(r);
        space.TryAllocate(Workloads.Subnet.HostRange, out _);
        _hasAllocations = space.HasAllocations;

        JitWarmup.Run(() =>
        {
            Ring.Restore(Workloads.LocalPeer, _local).Merge(RingCodec.Decode(_incomingBytes), _hasAllocations);
            Ring.Restore(Workloads.LocalPeer, _local).Merge(_delta, _hasAllocations);
        });
    }

    [IterationSetup(Targets = [nameof(Merge), nameof(DecodeAndMerge), nameof(MergeDelta)])]
    public void RestoreTargets()
    {
        for (var i = 0; i < Copies; i++)
            _targets[i] = Ring.Restore(Workloads.LocalPeer, _local);
    }

    [Benchmark(OperationsPerInvoke = Copies)]
    public bool Merge()
    {
        var updated = true;
        foreach (var ring in _targets)
            updated &= Check(ring.Merge(_incoming, _hasAllocations));
        return updated;
    }

    [Benchmark(OperationsPerInvoke = Copies)]
    public bool DecodeAndMerge()
    {
        var updated = true;
        foreach (var ring in _targets)
            updated &= Check(ring.Merge(RingCodec.Decode(_incomingBytes), _hasAllocations));
        return updated;
    }

    [Benchmark(OperationsPerInvoke = Copies)]
    public bool MergeDelta()
    {
        var updated = true;
        foreach (var ring in _targets)
            updated &= Check(ring.Merge(_delta, _hasAllocations));
        return updated;
    }

    [Benchmark]
    public byte[] Encode() => RingCodec.Encode(_incoming);

    /// <summary>A refused merge would measure the wrong path entirely.</summary>
    private static bool Check(RingMergeResult result) =>
        result.IsError ? throw new InvalidOperationException(result.Error!.Message) : result.Updated;
}
