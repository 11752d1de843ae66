namespace WeaveOrleans.Simulation;

/// <summary>What one seed did: its counts, and the violation and trace if it failed.</summary>
public sealed record RunResult(
    int Seed,
    int Peers,
    int Steps,
    int Delivered,
    IReadOnlyDictionary<string, int> Faults,
    Violation? Violation,
    MessageTally Messages,
    IReadOnlyList<string> Trace)
{
    public bool Failed => Violation is not null;
}
