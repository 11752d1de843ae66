using WeaveOrleans.Ipam.FreeList;
using WeaveOrleans.Ipam.Peers;
using WeaveOrleans.Ipam.Rings;

namespace WeaveOrleans.Ipam.Benchmarks;

/// <summary>
/// What the state costs to hold and to send, which BenchmarkDotNet's allocation counts do not show:
/// encoded ring sizes for gossip, and resident bytes per address a peer keeps allocated.
/// </summary>
internal static class SizeReport
{
    public static void Run(TextWriter output)
    {
        output.WriteLine("Encoded ring (RingCodec), after one free report:");
        foreach (var entries in new[] { 100, 1_000, 10_000 })
        {
            var local = Workloads.SplitRing(entries).ToData();
            var whole = RingCodec.Encode(Workloads.AfterOneFreeReport(local)).Length;
            var delta = RingCodec.Encode(Workloads.OneEntryDelta(local)).Length;
            output.WriteLine($"  {entries,6} entries: whole ring {whole,7:N0} B ({(double)whole / entries:F1} B/entry), one-entry delta {delta,6:N0} B");
        }
        // Names 1..N encode in one or two varint bytes; real names are random 48-bit values and take seven.
        output.WriteLine("  the same with random 48-bit peer names (as real routers have):");
        foreach (var entries in new[] { 100, 1_000, 10_000 })
        {
            var local = RandomlyNamedSplit(entries).ToData();
            var whole = RingCodec.Encode(Workloads.AfterOneFreeReport(local)).Length;
            var delta = RingCodec.Encode(Workloads.OneEntryDelta(local)).Length;
            output.WriteLine($"  {entries,6} entries: whole ring {whole,7:N0} B ({(double)whole / entries:F1} B/entry), one-entry delta {delta,6:N0} B");
        }

        output.WriteLine();
        output.WriteLine($"Free list memory with {Workloads.HeldAddresses:N0} addresses allocated:");
        // A throwaway run first, so JIT and static data are not counted as the space's.
        Measure(() => Workloads.SpaceHolding(Workloads.HeldAddresses));
        var (sequential, _) = Measure(() => Workloads.SpaceHolding(Workloads.HeldAddresses));
        output.WriteLine($"  allocated in order:        {sequential,10:N0} B = {(double)sequential / Workloads.HeldAddresses:F3} B per address allocated");
        var (fragmented, space) = Measure(() =>
        {
            var s = Workloads.SpaceHolding(Workloads.HeldAddresses);
            // Freeing every second one leaves the worst shape: one interval per held address.
            for (var i = 0; i < Workloads.HeldAddresses; i += 2)
                s.Free(Workloads.Subnet.HostRange.Start + (UInt128)i);
            return s;
        });
        var held = (double)space.AllocatedCount;
        output.WriteLine($"  then every second freed:   {fragmented,10:N0} B = {fragmented / (double)Workloads.HeldAddresses:F1} B per address allocated, "
            + $"{fragmented / held:F1} B per address still held ({space.AllocatedSet.IntervalCount:N0} allocated + {space.FreeSet.IntervalCount:N0} free intervals)");
    }

    private static Ring RandomlyNamedSplit(int peers)
    {
        var random = new Random(Workloads.Seed);
        var names = new HashSet<PeerName>();
        while (names.Count < peers)
            names.Add(new PeerName((ulong)random.NextInt64(1, (long)PeerName.MaxValue)));
        var ring = new Ring(Workloads.Subnet.Range, names.Min());
        ring.ClaimForPeers(names);
        return ring;
    }

    /// <summary>Live heap growth while the built space is still reachable; collections before and after leave only what it holds.</summary>
    private static (long Bytes, Space Space) Measure(Func<Space> build)
    {
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var space = build();
        var after = GC.GetTotalMemory(forceFullCollection: true);
        GC.KeepAlive(space);
        return (after - before, space);
    }
}
