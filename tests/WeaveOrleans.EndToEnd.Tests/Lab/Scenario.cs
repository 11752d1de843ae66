using WeaveOrleans.Host.Tests.Nemesis;

namespace WeaveOrleans.EndToEnd.Tests;

/// <summary>
/// One scenario on the lab: a peer (data directory) per host. Disposing it ends every daemon and
/// supervisor it started (found by PID: the processes in the host's namespace whose command line
/// names this scenario's data directories, so a restarted daemon is caught too), removes its
/// containers and the bridge, and deletes its data, failed or not.
/// </summary>
public sealed class Scenario : IAsyncDisposable
{
    private readonly Lab _lab;

    internal Scenario(Lab lab, string name, Action<string> log)
    {
        _lab = lab;
        Directory = Path.Combine(lab.WorkDir, name);
        Peers = [.. lab.Hosts.Select(h => new Peer(h, Path.Combine(Directory, h.Name), log))];
    }

    public string Directory { get; }
    public IReadOnlyList<Peer> Peers { get; }

    /// <summary>
    /// The safety property, checked on what the hosts really have: no IPv4 address is on two live
    /// containers (or a container and a bridge) of the hosts given (default: all), which share one ring.
    /// </summary>
    public Task AssertNoAddressOnTwoHolders(params Peer[] ring) => Safety.AssertNoAddressOnTwoHolders(ring.Length > 0 ? ring : Peers);

    public async ValueTask DisposeAsync()
    {
        foreach (var host in _lab.Hosts)
        {
            // Supervisors first, so that none starts a daemon again between the two rounds.
            for (var round = 0; round < 3; round++)
            {
                var ours = (await host.ProcessesInside()).Where(pid => CommandLine(pid).Contains(Directory, StringComparison.Ordinal)).ToList();
                if (ours.Count == 0)
                    break;
                foreach (var pid in ours.OrderBy(pid => CommandLine(pid).Contains(" supervise ", StringComparison.Ordinal) ? 0 : 1))
                    Shell.Signal(pid, "KILL");
                await Poll.Until(() => Task.FromResult(ours.All(pid => !Peer.Alive(pid))), TimeSpan.FromSeconds(10), $"{host.Name}: killed daemons exit");
            }
            var containers = await host.Docker("ps", "-aq");
            var ids = containers.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            if (ids.Length > 0)
                await host.Docker(["rm", "-f", .. ids]);
            await host.Inside("ip", "link", "del", "weave");
        }
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static string CommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');
        }
        catch (IOException)
        {
            return "";
        }
    }
}
