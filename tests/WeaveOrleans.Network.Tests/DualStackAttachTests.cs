using System.Diagnostics;
using WeaveOrleans.Ipam.Addresses;
using WeaveOrleans.TestSupport;

namespace WeaveOrleans.Network.Tests;

/// <summary>
/// Attaching IPv4 and IPv6 addresses to a process in a network namespace of its own (no Docker needed): each
/// address goes in with its own family's <c>ip</c> command, and the kernel's link-local address does not keep
/// the interface alive. Root only.
/// </summary>
public class DualStackAttachTests
{
    [SkippableFact]
    public async Task Both_families_are_attached_read_and_detached()
    {
        Skip.IfNot(OperatingSystem.IsLinux() && Environment.IsPrivilegedProcess, "needs root on Linux");
        var bridge = "wonet" + Random.Shared.Next(0, 0xFFFFFF).ToString("x6");
        var attacher = new NetworkAttacher();
        var inspector = new NetworkInspector();
        using var sleeper = Process.Start(new ProcessStartInfo("unshare", ["--net", "sleep", "600"]))!;
        try
        {
            var own = new FileInfo("/proc/self/ns/net").LinkTarget;
            await Poll.Until(() => Task.FromResult(new FileInfo($"/proc/{sleeper.Id}/ns/net").LinkTarget is { } ns && ns != own),
                TimeSpan.FromSeconds(10), "the sleeper has a network namespace of its own");
            await attacher.EnsureBridge(bridge);
            Cidr v4 = Cidr.Parse("10.99.77.5/24"), v6 = Cidr.Parse("fd00:77::5/64");

            await attacher.Attach(sleeper.Id, [v4, v6], bridge: bridge);
            Assert.Equal([v4, v6], (await attacher.Addresses(sleeper.Id)).OrderBy(c => c.ToString(), StringComparer.Ordinal).ToList());
            var devices = await inspector.DevicesOnVeths(sleeper.Id, await inspector.AttachedVeths(bridge));
            var device = Assert.Single(devices);
            Assert.Equal(NetworkAttacher.DefaultInterface, device.Name);
            Assert.Equal([v4, v6], device.Cidrs.OrderBy(c => c.ToString(), StringComparer.Ordinal).ToList());

            await attacher.Expose(v6.WithAddress(Address.Parse("fd00:77::1")), bridge);
            Assert.Equal([Cidr.Parse("fd00:77::1/64")], await inspector.HostAddressesIfPresent(bridge));

            Assert.False(await attacher.Detach(sleeper.Id, [v4]));
            Assert.Equal([v6], await attacher.Addresses(sleeper.Id));
            Assert.True(await attacher.Detach(sleeper.Id, [v6]));
            Assert.Empty(await inspector.AttachedVeths(bridge));
            Assert.True(await attacher.Hide(Cidr.Parse("fd00:77::1/64"), bridge));
        }
        finally
        {
            sleeper.Kill();
            await sleeper.WaitForExitAsync();
            await attacher.DeleteBridge(bridge);
        }
    }
}
