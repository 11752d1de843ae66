namespace WeaveOrleans.Simulation;

/// <summary>How big and how hostile each simulated run is.</summary>
public sealed record SimulationOptions
{
    public int MinPeers { get; init; } = 3;

    public int MaxPeers { get; init; } = 7;

    public int Steps { get; init; } = 300;

    /// <summary>Gossip rounds allowed after the faults stop before peers must agree.</summary>
    public int ConvergenceRounds { get; init; } = 12;

    /// <summary>Engine log lines at this level and above go into the trace (Debug shows donations).</summary>
    public Ipam.Allocation.LogLevel TraceLevel { get; init; } = Ipam.Allocation.LogLevel.Info;
}
