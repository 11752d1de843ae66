using WeaveOrleans.Ipam.Addresses;

namespace WeaveOrleans.Ipam.Allocation;

/// <summary>How a request ended.</summary>
public abstract record Outcome
{
    private Outcome()
    {
    }

    /// <summary>Done; <paramref name="Address"/> for allocations, <paramref name="Text"/> for rmpeer's report.</summary>
    public sealed record Ok(Cidr? Address = null, string? Text = null) : Outcome;

    /// <summary>Refused, with the one-line reason a user sees.</summary>
    public sealed record Failed(string Message) : Outcome;

    /// <summary>Given up: the caller went away, the container died, or the peer is shutting down.</summary>
    public sealed record Cancelled(string Reason) : Outcome;
}

/// <summary>The answer to request <paramref name="RequestId"/>.</summary>
public readonly record struct Completion(long RequestId, Outcome Outcome);
