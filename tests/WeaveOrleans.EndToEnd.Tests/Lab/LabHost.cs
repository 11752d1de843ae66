using WeaveOrleans.Host.Tests.Nemesis;
using System.Globalization;

namespace WeaveOrleans.EndToEnd.Tests;

/// <summary>
/// One host of the lab: a network namespace (from <see cref="NetLab"/>) with a
/// private dockerd started inside it. Every command that acts on a host's network (the weave CLI,
/// <c>ip</c>) runs inside its namespace, so bridges and veths never appear outside it.
/// </summary>
public sealed class LabHost
{
    internal LabHost(int index, string netns, string workDir)
    {
        Index = index;
        Netns = netns;
        DockerDir = Path.Combine(workDir, $"docker{index}");
    }

    /// <summary>1-based, as in the lab's addresses.</summary>
    public int Index { get; }
    public string Netns { get; }
    public string Name => $"host{Index}";

    /// <summary>Where its peers reach it (the weave peer port, 6783, is free in a namespace of its own).</summary>
    public string Address => NetLab.AddressOf(Index);

    public string DockerDir { get; }
    public string DockerEndpoint { get; private set; } = "";

    private string[] Enter => [$"--net=/run/netns/{Netns}", "--"];

    /// <summary>Starts the host's dockerd inside its namespace (scripts/docker-test-daemon, which also builds busybox:weave).</summary>
    public async Task StartDocker()
    {
        var started = await Exec.Program("nsenter", [.. Enter, Paths.DockerTestDaemon, "start", DockerDir], deadline: TimeSpan.FromSeconds(90));
        if (!started.Ok)
            throw new InvalidOperationException($"{Name}: dockerd did not start: {started}");
        DockerEndpoint = started.Out.Trim();
    }

    public async Task StopDocker()
    {
        if (DockerEndpoint.Length > 0)
            await Exec.Program("nsenter", [.. Enter, Paths.DockerTestDaemon, "stop", DockerDir], deadline: TimeSpan.FromSeconds(60));
    }

    /// <summary>
    /// Stops dockerd as a host's service restart does (SIGTERM: it stops its containers, and removes
    /// none), then starts it again, which starts the containers whose restart policy says so.
    /// </summary>
    public async Task RestartDocker()
    {
        var pid = int.Parse(File.ReadAllText(Path.Combine(DockerDir, "docker.pid")).Trim(), CultureInfo.InvariantCulture);
        Shell.Signal(pid, "TERM");
        await Poll.Until(() => Task.FromResult(!Directory.Exists($"/proc/{pid}")), TimeSpan.FromSeconds(60), $"{Name}: dockerd {pid} stops");
        await StartDocker();
    }

    public Task<Outcome> Docker(params string[] args) => Exec.Program("docker", ["-H", DockerEndpoint, .. args], deadline: TimeSpan.FromSeconds(60));

    /// <summary>A program run inside this host's namespace.</summary>
    public Task<Outcome> Inside(string program, params string[] args) => Exec.Program("nsenter", [.. Enter, program, .. args], deadline: TimeSpan.FromSeconds(60));

    /// <summary>The weave CLI, as a program run in this host's namespace, for the daemon of <paramref name="dataDir"/> and this host's dockerd.</summary>
    public Task<Outcome> Weave(string dataDir, IReadOnlyList<string> args, TimeSpan? deadline = null) =>
        Exec.Program("nsenter", [.. Enter, "dotnet", Paths.WeaveDll, .. args],
            new Dictionary<string, string>
            {
                ["WEAVE_DATA_DIR"] = dataDir,
                ["WEAVE_DOCKER_ENDPOINT"] = DockerEndpoint,
                ["WEAVE_WEAVER"] = Paths.WeaverDll,
                // Not the machine-wide /run/docker/plugins/weave.sock: every lab host would want it (a scenario gives --plugin-socket).
                ["WEAVE_NO_PLUGIN"] = "1",
            },
            deadline ?? TimeSpan.FromSeconds(120));

    /// <summary>PIDs of the processes in this host's namespace (dockerd, its containerd, weave daemons and their supervisors).</summary>
    public async Task<IReadOnlyList<int>> ProcessesInside()
    {
        var pids = await Exec.Program("ip", ["netns", "pids", Netns]);
        return [.. pids.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(p => int.Parse(p, CultureInfo.InvariantCulture))];
    }
}
