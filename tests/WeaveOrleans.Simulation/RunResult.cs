namespace WeaveOrleans.Simulation;

/// <summary>
/// What one seed did: its counts, and the violation and trace if it failed. <paramref name="RingSizes"/>
/// is the number of ring entries each peer that is up holds at the end (issue 11: the ring must not
/// fragment without end).
/// </summary>
public sealed record RunResult(
    int Seed,
    int Peers,
    int Steps,
    int Delivered,
    IReadOnlyDictionary<string, int> Faults,
    Violation? Violation,
    MessageTally Messages,
    IReadOnlyList<string> Trace,
    IReadOnlyList<int>? RingSizes = null)
{
    public bool Failed => Violation is not null;
}
