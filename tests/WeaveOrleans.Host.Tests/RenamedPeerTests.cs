namespace WeaveOrleans.Host.Tests;

/// <summary>
/// A data directory relaunched under another <c>--name</c> (Weave's test 340 relaunches a peer so): as in Weave, the
/// previous peer's persisted data is deleted, with Weave's log line, so that name does not come back later with a
/// ring and allocations the network has moved on from.
/// </summary>
public sealed class RenamedPeerTests : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(40);

    private readonly string workDir = Directory.CreateTempSubdirectory("weaver-renamed-").FullName;
    private readonly List<DaemonProcess> daemons = [];

    private DaemonProcess Daemon(string name)
    {
        // One nickname, so one data directory (workDir/renamed) for every name.
        var d = new DaemonProcess(name, "renamed", workDir, "10.47.0.0/24", "consensus=1");
        daemons.Add(d);
        return d;
    }

    [Fact]
    public async Task Relaunched_under_another_name_the_previous_peers_data_is_deleted()
    {
        var salt = Random.Shared.Next(0x10, 0xff);
        var (nameA, nameB) = ($"7e:00:00:01:{salt:x2}:0a", $"7e:00:00:01:{salt:x2}:0b");

        var a = Daemon(nameA);
        a.Start();
        await a.WaitForHttpAsync(StartTimeout);
        await a.AllocateAsync("held-by-a");
        await a.TerminateAsync(TimeSpan.FromSeconds(30));

        var b = Daemon(nameB);
        b.Start();
        await b.WaitForHttpAsync(StartTimeout);
        Assert.DoesNotContain("held-by-a", await b.GetTextAsync("ip"));
        Assert.Contains($"Deleting persisted data for peername {nameA}", b.LogTail(200));
        await b.TerminateAsync(TimeSpan.FromSeconds(30));

        // Without the deletion, peer A would start again with its old ring and allocation.
        var again = Daemon(nameA);
        again.Start();
        await again.WaitForHttpAsync(StartTimeout);
        Assert.DoesNotContain("held-by-a", await again.GetTextAsync("ip"));
        Assert.Empty(await again.IpamLinesAsync());
    }

    public void Dispose() => DaemonProcess.DisposeAll(daemons, workDir, _ => { });
}
