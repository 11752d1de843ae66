namespace WeaveOrleans.Simulation;

/// <summary>How the simulated disk misbehaves in one run; none by default (writes are durable at once).</summary>
public sealed record DiskFaults
{
    public static readonly DiskFaults None = new();

    /// <summary>Writes stay in flight until the simulator syncs them, so a crash can catch one.</summary>
    public bool Latent { get; init; }

    /// <summary>Chance that a write fails; the disk then refuses writes until the host starts again.</summary>
    public double FailWrite { get; init; }

    /// <summary>At a crash, chance that the write in flight is torn (a prefix reaches the disk) rather than lost.</summary>
    public double TearAtCrash { get; init; }

    /// <summary>At a crash, chance that the write in flight reached the disk although nobody heard so.</summary>
    public double LandAtCrash { get; init; }
}
