using System.Diagnostics;

namespace WeaveOrleans.Cli.Tests;

/// <summary>
/// The addresses in use on a host are claimed back at every launch, before anything is allocated: the bridge's
/// and those of the containers attached to it, also when the daemon's state was lost. A real daemon and a real
/// Docker engine (root and WEAVE_TEST_DOCKER, see <see cref="TestDocker"/>); each test has its own range and bridge.
/// </summary>
public class ReclaimAtLaunchTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    private static string? Endpoint => TestDocker.Endpoint;

    [SkippableFact]
    public async Task Addresses_on_the_bridge_and_on_running_containers_are_reclaimed_after_the_state_is_lost()
    {
        TestDocker.Require();
        var bridge = TestDocker.NewBridge("wors");
        var otherBridge = TestDocker.NewBridge("woro");
        await using var d = await LaunchedDaemon.Start("10.244.0.0/24", Endpoint, new DaemonLaunchOptions { ExtraLaunchArgs = ["--bridge", bridge] });
        var started = new List<string>();
        try
        {
            var (id, inUse) = await Sleepers.Run(d, bridge, started);
            var expose = await d.Run("expose", "--bridge", bridge);
            Assert.True(expose.Code == 0, expose.Err);
            var exposed = expose.Out.Trim() + "/24";
            // On another bridge (another weave network): not this daemon's to claim, though its veth has the same
            // index inside its container as the one on this bridge.
            var (elsewhere, _) = await Sleepers.Run(d, otherBridge, started, "ip:10.244.0.50/24");

            // The daemon's state is lost under the running container and the exposed bridge.
            var stop = await d.Run("stop");
            Assert.True(stop.Code == 0, stop.Err);
            foreach (var entry in d.Directory.EnumerateFileSystemInfos())
            {
                if (entry is DirectoryInfo sub)
                    sub.Delete(recursive: true);
                else if (entry.Name != "weaver.log")
                    entry.Delete();
            }
            var relaunch = await d.Launch();
            Assert.True(relaunch.Code == 0, relaunch.Err);

            // A fresh ring hands out its lowest addresses first: exactly the ones in use, unless they were claimed back.
            var given = new List<string>();
            using (var client = await d.Connect(TimeSpan.FromSeconds(30)))
            {
                for (var i = 0; i < 3; i++)
                {
                    using var cancel = new CancellationTokenSource(Deadline);
                    var reply = await client.Allocate($"after-loss-{i}", null, isContainer: false, cancel.Token);
                    Assert.True(reply.IsOk, reply.Error);
                    given.Add(reply.Address!);
                }
            }
            Assert.DoesNotContain(inUse, given);
            Assert.DoesNotContain(exposed, given);
            Assert.Equal(inUse, await d.IpamAddresses(id));
            Assert.Equal(exposed, await d.IpamAddresses("weave:expose"));
            var log = await File.ReadAllTextAsync(Path.Combine(d.Directory.FullName, "weaver.log"));
            Assert.Contains($"Reclaimed {inUse} for {id[..12]}", log, StringComparison.Ordinal);
            Assert.Contains($"Reclaimed {exposed} for weave:expose", log, StringComparison.Ordinal);
            Assert.Equal("", await d.IpamAddresses(elsewhere));
        }
        finally
        {
            await Sleepers.CleanUp(started, bridge);
            await new Network.NetworkAttacher().DeleteBridge(otherBridge);
        }
    }

    [SkippableFact]
    public async Task Allocations_wait_for_the_claims_while_docker_cannot_say_whose_the_attached_addresses_are()
    {
        TestDocker.Require();
        await using var proxy = DockerSocketProxy.Start(Endpoint!);
        var bridge = TestDocker.NewBridge("worw");
        await using var d = await LaunchedDaemon.Start("10.240.0.0/24", proxy.Endpoint, new DaemonLaunchOptions { ExtraLaunchArgs = ["--bridge", bridge] });
        var started = new List<string>();
        try
        {
            var (id, inUse) = await Sleepers.Run(d, bridge, started);
            var stop = await d.Run("stop");
            Assert.True(stop.Code == 0, stop.Err);
            foreach (var file in d.Directory.EnumerateFiles().Where(f => f.Name != "weaver.log"))
                file.Delete();
            foreach (var sub in d.Directory.EnumerateDirectories())
                sub.Delete(recursive: true);

            // Relaunched while Docker cannot be reached: the veth on the bridge is nobody's yet.
            proxy.Cut();
            var relaunch = await d.Launch();
            Assert.True(relaunch.Code == 0, relaunch.Err);
            using var client = await d.Connect(TimeSpan.FromSeconds(60));
            using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            var allocation = client.Allocate("while-waiting", null, isContainer: false, cancel.Token);
            await Poll.Until(async () => (await d.Run("status")).Out.Contains("waiting to claim the addresses in use", StringComparison.Ordinal),
                Deadline, "status says the allocator waits for the addresses in use");
            Assert.False(allocation.IsCompleted, "an allocation was served before the addresses in use were claimed");

            proxy.Heal();
            var reply = await allocation;
            Assert.True(reply.IsOk, reply.Error);
            Assert.NotEqual(inUse, reply.Address);
            Assert.Equal(inUse, await d.IpamAddresses(id));
        }
        finally
        {
            await Sleepers.CleanUp(started, bridge);
        }
    }

    [SkippableFact]
    public async Task Without_docker_the_addresses_in_use_on_the_bridge_are_reclaimed_by_address()
    {
        Skip.IfNot(Environment.IsPrivilegedProcess, "needs root");
        var bridge = TestDocker.NewBridge("worn");
        var ns = "wo-rn-" + Guid.NewGuid().ToString("N")[..8];
        var attacher = new Network.NetworkAttacher();
        Process? holder = null;
        try
        {
            // A process in a network namespace of its own, attached to the bridge with the range's first address.
            await attacher.EnsureBridge(bridge);
            Assert.Equal(0, (await TestDocker.Exec("ip", "netns", "add", ns)).Code);
            holder = Process.Start(new ProcessStartInfo("ip", ["netns", "exec", ns, "sleep", "600"]))!;
            await Poll.Until(() => Task.FromResult(File.Exists($"/proc/{holder.Id}/ns/net")
                && new FileInfo($"/proc/{holder.Id}/ns/net").LinkTarget != new FileInfo("/proc/self/ns/net").LinkTarget), Deadline, "the holder is in its namespace");
            await attacher.Attach(holder.Id, [Ipam.Addresses.Cidr.Parse("10.238.0.1/24")], bridge: bridge);

            await using var d = await LaunchedDaemon.Start("10.238.0.0/24", null, new DaemonLaunchOptions { ExtraLaunchArgs = ["--bridge", bridge] });
            using var client = await d.Connect(TimeSpan.FromSeconds(30));
            using var cancel = new CancellationTokenSource(Deadline);
            var reply = await client.Allocate("fresh", null, isContainer: false, cancel.Token);
            Assert.True(reply.IsOk, reply.Error);
            Assert.NotEqual("10.238.0.1/24", reply.Address);
            Assert.Equal("10.238.0.1/24", await d.IpamAddresses("10.238.0.1"));
        }
        finally
        {
            if (holder is not null)
            {
                holder.Kill();
                await holder.WaitForExitAsync();
                holder.Dispose();
            }
            await TestDocker.Exec("ip", "netns", "del", ns);
            await attacher.DeleteBridge(bridge);
        }
    }
}
