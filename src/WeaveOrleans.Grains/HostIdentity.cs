namespace WeaveOrleans.Grains;

/// <summary>
/// Who this host was when it last ran, kept in the "weave" AdoNet grain storage: small, rarely
/// written, and useful to operators and to log a relaunch with a different identity or range.
/// </summary>
[GenerateSerializer]
public sealed class HostIdentity
{
    [Id(0)] public string? PeerName { get; set; }

    [Id(1)] public string? Nickname { get; set; }

    [Id(2)] public string? Range { get; set; }

    [Id(3)] public DateTimeOffset FirstStarted { get; set; }

    [Id(4)] public DateTimeOffset LastStarted { get; set; }
}
