using WeaveOrleans.Host.Tests.Nemesis;

namespace WeaveOrleans.EndToEnd.Tests;

/// <summary>
/// Hosts as network namespaces on one bridge (<see cref="NetLab"/>, 10.99.0.N/24), each with its
/// own dockerd, started in parallel once and shared by the scenarios of a collection; every
/// scenario brings its own weave daemons and data directories (<see cref="Scenario"/>).
/// </summary>
public sealed class Lab : IAsyncDisposable
{
    private readonly NetLab _net;

    private Lab(NetLab net, string workDir)
    {
        _net = net;
        WorkDir = workDir;
        Hosts = [.. net.Hosts.Select((ns, i) => new LabHost(i + 1, ns, workDir))];
    }

    public string WorkDir { get; }
    public IReadOnlyList<LabHost> Hosts { get; }

    /// <summary>Why this machine cannot run the lab (null when it can): root, namespaces, and a Docker engine the CI set up (WEAVE_TEST_DOCKER).</summary>
    public static string? Unavailable()
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("WEAVE_TEST_DOCKER")))
            return "WEAVE_TEST_DOCKER is not set (the lab starts its own dockerds, but only where the Docker tests may run)";
        if (NetLab.Unavailable() is { } why)
            return why;
        if (!File.Exists(Paths.WeaveDll) || !File.Exists(Paths.WeaverDll))
            return $"{Paths.WeaveDll} or {Paths.WeaverDll} is not built";
        return null;
    }

    public static async Task<Lab> Start(int hosts)
    {
        // Short: dockerd's socket path (under the work dir) must stay within a unix socket's 108 bytes.
        var workDir = Directory.CreateTempSubdirectory("woe2e-").FullName;
        var lab = new Lab(new NetLab(hosts), workDir);
        try
        {
            await Task.WhenAll(lab.Hosts.Select(h => h.StartDocker()));
            return lab;
        }
        catch
        {
            await lab.DisposeAsync();
            throw;
        }
    }

    private int _scenarios;

    /// <summary>A scenario's daemons and data directories on these hosts; disposing it leaves the hosts as they were.</summary>
    public Scenario Scenario(string name, Action<string> log) => new(this, $"{Interlocked.Increment(ref _scenarios)}-{name}", log);

    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(Hosts.Select(h => h.StopDocker()));
        // Whatever is left in a namespace was started by this lab: end it by PID before the namespace goes.
        foreach (var host in Hosts)
            foreach (var pid in await host.ProcessesInside())
                Shell.Signal(pid, "KILL");
        _net.Dispose();
        try
        {
            Directory.Delete(WorkDir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
