namespace WeaveOrleans.Simulation;

/// <summary>A broken promise: which check failed and why.</summary>
public sealed class Violation(string check, string detail) : Exception($"{check}: {detail}")
{
    public string Check { get; } = check;

    public string Detail { get; } = detail;
}
