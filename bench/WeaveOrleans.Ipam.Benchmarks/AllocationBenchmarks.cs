using BenchmarkDotNet.Attributes;
using WeaveOrleans.Ipam.Addresses;
using WeaveOrleans.Ipam.FreeList;

namespace WeaveOrleans.Ipam.Benchmarks;

/// <summary>
/// The free list under its two everyday operations. Each invocation needs a space in a known state
/// and consumes it, so the state is rebuilt in [IterationSetup]; the long batches (100,000 and 4,000
/// operations) keep the per-iteration setup overhead out of the per-operation figure.
/// </summary>
[MemoryDiagnoser]
// The machine is shared: the minimum and median resist other load better than the mean.
[MinColumn, MedianColumn]
[SimpleJob(warmupCount: 6, iterationCount: 10)]
public class AllocationBenchmarks
{
    private Space _space = new();
    private Address[] _toFree = [];

    [GlobalSetup(Target = nameof(Allocate))]
    public void WarmUpAllocate() => JitWarmup.Run(() => Workloads.SpaceHolding(1_000));

    [GlobalSetup(Target = nameof(Free))]
    public void ChooseAddressesToFree()
    {
        _toFree = Workloads.AddressesToFree();
        JitWarmup.Run(() =>
        {
            var space = Workloads.SpaceHolding(1_000);
            for (var i = 0; i < 1_000; i += 3)
                space.Free(Workloads.Subnet.HostRange.Start + (UInt128)i);
        });
    }

    [IterationSetup(Target = nameof(Allocate))]
    public void EmptySpace() => _space = Workloads.OwnerOfWholeSubnet();

    [IterationSetup(Target = nameof(Free))]
    public void FullSpace() => _space = Workloads.SpaceHolding(Workloads.HeldAddresses);

    [Benchmark(OperationsPerInvoke = Workloads.HeldAddresses)]
    public Address Allocate()
    {
        var within = Workloads.Subnet.HostRange;
        var last = default(Address);
        for (var i = 0; i < Workloads.HeldAddresses; i++)
            if (!_space.TryAllocate(within, out last))
                throw new InvalidOperationException("the subnet ran out of addresses");
        return last;
    }

    [Benchmark(OperationsPerInvoke = Workloads.FreedAddresses)]
    public int Free()
    {
        foreach (var a in _toFree)
            if (!_space.Free(a))
                throw new InvalidOperationException($"{a} was not allocated");
        return _space.AllocatedSet.IntervalCount;
    }
}
