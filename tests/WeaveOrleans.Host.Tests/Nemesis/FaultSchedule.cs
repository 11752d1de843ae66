namespace WeaveOrleans.Host.Tests.Nemesis;

/// <summary>The kinds of fault the nemesis injects.</summary>
internal enum FaultKind
{
    /// <summary>Drop everything between two hosts, both ways.</summary>
    CutBoth,

    /// <summary>Drop what one host sends another; the other way still flows.</summary>
    CutOneWay,

    /// <summary>Cut one host off from every other, both ways.</summary>
    Isolate,

    /// <summary>Two groups of hosts that cannot reach each other.</summary>
    Split,

    /// <summary>SIGKILL, then start again on the same data directory.</summary>
    KillRestart,

    /// <summary>SIGSTOP, then SIGCONT.</summary>
    Pause,

    /// <summary>SIGKILL for good, then rmpeer of it on a survivor once the survivor has noticed.</summary>
    KillRemove,
}

/// <summary>
/// One fault from <see cref="Start"/> (seconds into the run) for <see cref="Duration"/> seconds.
/// For cuts, <see cref="A"/> are the senders whose packets to <see cref="B"/> are dropped (both ways
/// for every kind but <see cref="FaultKind.CutOneWay"/>); for process faults <see cref="A"/> is the host.
/// </summary>
internal sealed record FaultStep(double Start, FaultKind Kind, int[] A, int[] B, double Duration)
{
    public override string ToString() => Kind switch
    {
        FaultKind.CutOneWay => $"{Start,6:0.0}s {Kind} host{A[0]}->host{B[0]} for {Duration:0.0}s",
        FaultKind.CutBoth or FaultKind.Isolate or FaultKind.Split =>
            $"{Start,6:0.0}s {Kind} [{string.Join(',', A)}] | [{string.Join(',', B)}] for {Duration:0.0}s",
        _ => $"{Start,6:0.0}s {Kind} host{A[0]} for {Duration:0.0}s",
    };

    /// <summary>The directed (from, to) drops this step installs (none for process faults).</summary>
    public IReadOnlyList<(int From, int To)> Cuts() => Kind switch
    {
        FaultKind.CutOneWay => [(A[0], B[0])],
        FaultKind.CutBoth or FaultKind.Isolate or FaultKind.Split =>
            [.. from a in A from b in B from pair in new[] { (a, b), (b, a) } select pair],
        _ => [],
    };
}

/// <summary>
/// A schedule made from a seed alone (hosts and seconds): the same seed gives the same faults at
/// the same offsets. One fault at a time, each followed by a quiet spell with every link healed;
/// the permanent removal comes once, at about two thirds of the run, when there are three hosts or more.
/// </summary>
internal static class FaultSchedule
{
    public static IReadOnlyList<FaultStep> Make(int seed, int hosts, double seconds)
    {
        var rng = new Random(seed);
        var steps = new List<FaultStep>();
        var live = Enumerable.Range(1, hosts).ToList();
        var removeAt = hosts >= 3 ? seconds * 0.6 : double.PositiveInfinity;
        var t = 2.0;
        while (t < seconds - 4)
        {
            if (t >= removeAt)
            {
                var dead = live[rng.Next(live.Count)];
                steps.Add(new FaultStep(t, FaultKind.KillRemove, [dead], [], 0));
                live.Remove(dead);
                removeAt = double.PositiveInfinity;
                t += 6;
                continue;
            }
            var kinds = new[] { FaultKind.CutBoth, FaultKind.CutOneWay, FaultKind.Isolate, FaultKind.Split, FaultKind.KillRestart, FaultKind.Pause };
            var kind = live.Count < 2 ? (rng.Next(2) == 0 ? FaultKind.KillRestart : FaultKind.Pause) : kinds[rng.Next(kinds.Length)];
            var shuffled = live.OrderBy(_ => rng.Next()).ToList();
            var duration = kind switch
            {
                FaultKind.KillRestart => 0.5 + rng.NextDouble() * 3,
                FaultKind.Pause => 3 + rng.NextDouble() * 7,
                _ => 3 + rng.NextDouble() * 7,
            };
            FaultStep step = kind switch
            {
                FaultKind.CutBoth or FaultKind.CutOneWay => new(t, kind, [shuffled[0]], [shuffled[1]], duration),
                FaultKind.Isolate => new(t, kind, [shuffled[0]], [.. shuffled.Skip(1)], duration),
                FaultKind.Split => SplitStep(t, shuffled, rng, duration),
                _ => new(t, kind, [shuffled[0]], [], duration),
            };
            steps.Add(step);
            t += duration + 2 + rng.NextDouble() * 3;
        }
        return steps;
    }

    private static FaultStep SplitStep(double t, List<int> shuffled, Random rng, double duration)
    {
        var cut = 1 + rng.Next(shuffled.Count - 1);
        return new(t, FaultKind.Split, [.. shuffled.Take(cut).Order()], [.. shuffled.Skip(cut).Order()], duration);
    }
}
