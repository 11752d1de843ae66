using WeaveOrleans.Ipam.Allocation;

namespace WeaveOrleans.Simulation;

/// <summary>Fires each engine fault point with a small probability drawn from the run's seed.</summary>
public sealed class SeededFaultPoints(Random random, double probability) : IFaultPoints
{
    public Dictionary<FaultPoint, int> Fired { get; } = [];

    public bool Fire(FaultPoint point)
    {
        if (random.NextDouble() >= probability)
            return false;
        Fired[point] = Fired.GetValueOrDefault(point) + 1;
        return true;
    }
}
