namespace WeaveOrleans.Host.Tests.Nemesis;

/// <summary>What a client asked a daemon.</summary>
internal enum OpKind
{
    /// <summary>POST /ip/{id}: a fresh address for a fresh id.</summary>
    Allocate,

    /// <summary>PUT /ip/{id}/{addr}/{len}: this address for this id.</summary>
    Claim,

    /// <summary>DELETE /ip/{id}/{addr}: release one address.</summary>
    Free,

    /// <summary>DELETE /ip/{id}: release every address of the id.</summary>
    Delete,
}

/// <summary>
/// One client operation with its reply. Times are seconds since the run began. Status is null when
/// no reply came (timeout, reset, refused): then the operation may or may not have been applied.
/// Address is the address asked for (claim, free) or given (allocate).
/// </summary>
internal sealed record Operation(int Seq, int Host, OpKind Kind, string Id, string? Address, double Invoked)
{
    public double Completed { get; set; } = double.NaN;
    public int? Status { get; set; }
    public string? Reply { get; set; }
    public string? Given { get; set; }

    public bool Acked => Status is >= 200 and < 300;

    public override string ToString() =>
        $"#{Seq} [{Invoked,7:0.000}-{(double.IsNaN(Completed) ? "   ?   " : Completed.ToString("0.000", System.Globalization.CultureInfo.InvariantCulture)),7}] host{Host} {Kind} {Id} {Address ?? Given ?? ""} -> {(Status is { } s ? s.ToString(System.Globalization.CultureInfo.InvariantCulture) : "no reply")} {Reply}";
}

/// <summary>A fault the schedule injected, for the record and the figures.</summary>
internal sealed record FaultEvent(double At, string Kind, string What);
