using System.Diagnostics;
using WeaveOrleans.Simulation;

// Runs seeded simulations of many peers; see --help.
var options = new SimulationOptions();
int seeds = 1000, first = 1;
int? only = null;
int? scale = null;
var verbose = false;
for (var i = 0; i < args.Length; i++)
{
    string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
    switch (args[i])
    {
        case "--seeds": seeds = int.Parse(Next()); break;
        case "--first": first = int.Parse(Next()); break;
        case "--seed": only = int.Parse(Next()); break;
        case "--scale": scale = int.Parse(Next()); break;
        case "--steps": options = options with { Steps = int.Parse(Next()) }; break;
        case "--peers":
            var parts = Next().Split("..");
            options = options with { MinPeers = int.Parse(parts[0]), MaxPeers = int.Parse(parts[^1]) };
            break;
        case "--verbose": verbose = true; break;
        case "--debug": options = options with { TraceLevel = WeaveOrleans.Ipam.Allocation.LogLevel.Debug }; break;
        case "--help" or "-h":
            Console.WriteLine("""
                WeaveOrleans simulator: the daemon's driver and engine on every host, a simulated network, clock and
                faulty disk (bytes through the real codecs and group commit), one seed per run.
                  --seeds N      how many seeds to run (default 1000), starting at --first (default 1)
                  --seed S       run only seed S and print its trace
                  --steps N      steps per seed (default 300)
                  --peers A..B   peers per seed (default 3..7)
                  --verbose      print the trace of every failing seed
                  --debug        put the engines' debug lines (donations and the like) in traces too
                  --scale N      fault-free scale scenario with N peers: prints one line of what consensus,
                                 one ring change and one idle gossip round cost (messages, bytes, rounds)
                Exit code 1 if any seed breaks a check; the failing seed is printed so it can be replayed.
                """);
            return 0;
        default:
            Console.Error.WriteLine($"unknown option {args[i]} (see --help)");
            return 2;
    }
}

if (scale is { } scalePeers)
{
    if (scalePeers < 2)
    {
        Console.Error.WriteLine("--scale needs at least 2 peers");
        return 2;
    }
    Console.WriteLine(new ScaleRun(scalePeers).Run());
    return 0;
}

if (only is { } single)
{
    var result = new SimulationRun(single, options).Run();
    foreach (var line in result.Trace)
        Console.WriteLine(line);
    Console.WriteLine(result.Failed ? $"seed {single} FAILED: {result.Violation!.Message}" : $"seed {single} passed");
    return result.Failed ? 1 : 0;
}

var summary = new SimulationSummary();
var clock = Stopwatch.StartNew();
var lastReport = TimeSpan.Zero;
for (var seed = first; seed < first + seeds; seed++)
{
    var result = new SimulationRun(seed, options).Run();
    summary.Add(result);
    if (result.Failed)
    {
        Console.WriteLine($"seed {seed} FAILED: {result.Violation!.Check} (replay: --seed {seed})");
        if (verbose)
            foreach (var line in result.Trace)
                Console.WriteLine("  " + line);
    }
    if (clock.Elapsed - lastReport > TimeSpan.FromSeconds(10))
    {
        lastReport = clock.Elapsed;
        Console.WriteLine($"  {seed - first + 1}/{seeds} seeds, {summary.Violations} violations, {summary.Runs / clock.Elapsed.TotalSeconds:0} seeds/s");
    }
}
Console.WriteLine(summary.Report(clock.Elapsed));
return summary.Violations == 0 ? 0 : 1;
