namespace WeaveOrleans.Simulation;

/// <summary>Totals over many seeds.</summary>
public sealed class SimulationSummary
{
    private readonly Dictionary<string, long> _faults = [];
    private readonly Dictionary<string, int> _violationsByCheck = [];

    public int Runs { get; private set; }

    public int Violations { get; private set; }

    public long Steps { get; private set; }

    public long Delivered { get; private set; }

    public List<int> FailedSeeds { get; } = [];

    public MessageTally Messages { get; } = new();

    /// <summary>Ring entries per peer at the end of the seeds, summed and at most, over every peer that was up.</summary>
    private long _ringEntries;
    private int _ringHolders;
    private int _ringMax;

    /// <summary>Faults injected over all runs, by kind.</summary>
    public IReadOnlyDictionary<string, long> Faults => _faults;

    public void Add(RunResult result)
    {
        Runs++;
        Steps += result.Steps;
        Delivered += result.Delivered;
        Messages.Add(result.Messages);
        foreach (var size in result.RingSizes ?? [])
        {
            _ringEntries += size;
            _ringHolders++;
            _ringMax = Math.Max(_ringMax, size);
        }
        foreach (var (fault, count) in result.Faults)
            _faults[fault] = _faults.GetValueOrDefault(fault) + count;
        if (result.Violation is { } v)
        {
            Violations++;
            FailedSeeds.Add(result.Seed);
            _violationsByCheck[v.Check] = _violationsByCheck.GetValueOrDefault(v.Check) + 1;
        }
    }

    public string Report(TimeSpan elapsed)
    {
        var lines = new List<string>
        {
            $"seeds run: {Runs}, steps: {Steps}, messages delivered: {Delivered}, violations: {Violations}, {Runs / Math.Max(elapsed.TotalSeconds, 0.001):0.0} seeds/s ({elapsed.TotalSeconds:0.0} s)",
            $"messages delivered by kind: {Messages}",
            $"ring entries per peer at the end: mean {(double)_ringEntries / Math.Max(_ringHolders, 1):0.00}, max {_ringMax} ({_ringHolders} peers)",
            "faults injected: " + string.Join(", ", _faults.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key} {kv.Value}")),
        };
        if (Violations > 0)
        {
            lines.Add("violations by check: " + string.Join(", ", _violationsByCheck.Select(kv => $"{kv.Key} {kv.Value}")));
            lines.Add("failing seeds: " + string.Join(" ", FailedSeeds.Take(50)));
        }
        return string.Join(Environment.NewLine, lines);
    }
}
