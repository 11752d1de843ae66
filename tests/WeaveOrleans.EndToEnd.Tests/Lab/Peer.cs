using WeaveOrleans.Host.Tests.Nemesis;
using System.Globalization;
using System.Text.RegularExpressions;

namespace WeaveOrleans.EndToEnd.Tests;

/// <summary>
/// The weave peer of one scenario on one lab host: a data directory of its own, driven only through
/// the weave CLI (as a program in the host's namespace), Docker and <c>ip</c>.
/// </summary>
public sealed partial class Peer(LabHost host, string dataDir, Action<string> log)
{
    public const string Image = "busybox:weave";

    public LabHost Host { get; } = host;
    public string DataDir { get; } = dataDir;

    /// <summary>The value of one <c>Key: value</c> line of <c>weave status</c>; fails if there is no such line.</summary>
    public async Task<string> Status(string key)
    {
        var text = await Ok("status");
        var line = text.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith(key + ": ", StringComparison.Ordinal));
        Assert.True(line is not null, $"{Host.Name}: no '{key}:' line in weave status:\n{text}");
        return line[(key.Length + 2)..];
    }

    /// <summary>Where the other peers dial this one.</summary>
    public string Address => Host.Address;

    public Task<Outcome> Weave(params string[] args) => Within(TimeSpan.FromSeconds(120), args);

    /// <summary><c>weave ARGS</c> given <paramref name="deadline"/> to finish (then killed, exit -1): Weave's <c>timeout N cat &lt;(weave ...)</c>.</summary>
    public async Task<Outcome> Within(TimeSpan deadline, params string[] args)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var outcome = await Host.Weave(DataDir, args, deadline);
        log($"{clock.Elapsed.TotalSeconds,6:0.00} s  {Host.Name}: weave {string.Join(' ', args)} -> {outcome.Code}");
        return outcome;
    }

    /// <summary><c>weave ARGS</c>, which must succeed; returns what it printed.</summary>
    public async Task<string> Ok(params string[] args)
    {
        var result = await Weave(args);
        Assert.True(result.Ok, $"{Host.Name}: {result}");
        return result.Out;
    }

    /// <summary><c>weave launch ARGS</c>, which must succeed; returns the peer name it printed.</summary>
    public async Task<string> Launch(params string[] args) => (await Ok(["launch", .. args])).Trim();

    /// <summary><c>weave run [ADDRESS...] busybox sleep</c>; the outcome, whose stdout is the container's ID.</summary>
    public Task<Outcome> TryRun(params string[] weaveArgs) => Weave(["run", .. weaveArgs, Image, "sleep", "3600"]);

    /// <summary><c>weave run</c>, which must succeed; returns the container's ID.</summary>
    public async Task<string> Run(params string[] weaveArgs)
    {
        var run = await TryRun(weaveArgs);
        Assert.True(run.Ok, $"{Host.Name}: {run}");
        return run.Out.Trim();
    }

    /// <summary>The IPv4 addresses (CIDR form) on the container's interfaces, loopback left out, read inside its network namespace.</summary>
    public async Task<IReadOnlyList<string>> ContainerAddresses(string container)
    {
        var pid = await Host.Docker("inspect", "-f", "{{.State.Pid}}", container);
        Assert.True(pid.Ok, pid.ToString());
        var show = await Exec.Program("nsenter", ["-t", pid.Out.Trim(), "-n", "ip", "-o", "-4", "addr", "show"]);
        Assert.True(show.Ok, show.ToString());
        return Inet(show.Out);
    }

    /// <summary>The container's one address (without prefix); fails if it has none or several.</summary>
    public async Task<string> AddressOf(string container)
    {
        var all = await ContainerAddresses(container);
        Assert.True(all.Count == 1, $"{Host.Name}: container {container[..12]} has {all.Count} addresses: {string.Join(' ', all)}");
        return all[0].Split('/')[0];
    }

    /// <summary>The addresses on this host's bridge (what weave expose put there); empty without a bridge.</summary>
    public async Task<IReadOnlyList<string>> BridgeAddresses()
    {
        var show = await Host.Inside("ip", "-o", "-4", "addr", "show", "dev", "weave");
        return show.Ok ? Inet(show.Out) : [];
    }

    /// <summary>Deletes what the stopped daemon persisted about IPAM (its database), keeping its peer name and targets.</summary>
    public void DeleteIpamState()
    {
        foreach (var file in Directory.EnumerateFiles(DataDir, "orleans-grains.db*"))
            File.Delete(file);
        var allocators = Path.Combine(DataDir, "allocators");
        if (Directory.Exists(allocators))
            Directory.Delete(allocators, recursive: true);
    }

    public int? DaemonPid => ReadPid("weaver.pid");
    public int? SupervisorPid => ReadPid("weave-supervisor.pid");

    /// <summary>kill -9 of the supervisor (so nothing restarts the daemon), then of the daemon: a host that dies.</summary>
    public void KillHard()
    {
        foreach (var pid in new[] { SupervisorPid, DaemonPid }.OfType<int>())
            Shell.Signal(pid, "KILL");
    }

    /// <summary>Whether a process with this PID exists (and is not a zombie).</summary>
    public static bool Alive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>The daemon's log (weave launch appends the daemon's output there).</summary>
    public string Log()
    {
        var path = Path.Combine(DataDir, "weaver.log");
        return File.Exists(path) ? File.ReadAllText(path) : "";
    }

    private int? ReadPid(string file)
    {
        var path = Path.Combine(DataDir, file);
        try
        {
            return File.Exists(path) && int.TryParse(File.ReadAllText(path).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static List<string> Inet(string ipOutput) =>
        [.. InetPattern().Matches(ipOutput).Select(m => m.Groups[1].Value).Where(a => !a.StartsWith("127.", StringComparison.Ordinal))];

    [GeneratedRegex(@"\binet (\d+\.\d+\.\d+\.\d+/\d+)")]
    private static partial Regex InetPattern();
}
