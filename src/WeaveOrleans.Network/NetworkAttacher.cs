using System.Globalization;
using WeaveOrleans.Ipam.Addresses;

namespace WeaveOrleans.Network;

/// <summary>
/// Weave-style attachment of a container that runs with no Docker networking: a veth pair whose host
/// end joins a Linux bridge and whose other end moves into the container's network namespace (found
/// through the PID of its first process); and <c>weave expose</c>/<c>hide</c>, addresses on the bridge
/// itself. Linux only, needs root. Every change is checked for before it is made, so a repeated call is harmless.
/// </summary>
public sealed class NetworkAttacher
{
    public const string DefaultBridge = "weave";
    public const string DefaultInterface = "ethwe";
    private const string HostPrefix = "vethwe";

    private readonly NetworkTools _tools;

    public NetworkAttacher() : this(new NetworkAttacherOptions())
    {
    }

    public NetworkAttacher(NetworkAttacherOptions options) => _tools = new NetworkTools(options);

    /// <summary>Creates bridge <paramref name="name"/> if it does not exist and sets it up.</summary>
    public async Task EnsureBridge(string name = DefaultBridge, CancellationToken cancellation = default)
    {
        var host = _tools.HostForChange();
        InterfaceNames.Check(name, nameof(name));
        var show = await host.Run(["-d", "-o", "link", "show", "dev", name], cancellation);
        if (show.Succeeded)
        {
            if (!IpOutput.IsBridge(show.Stdout))
                throw new NetworkAttachException($"interface '{name}' exists and is not a bridge");
        }
        else
        {
            var add = await host.Run(["link", "add", "name", name, "type", "bridge"], cancellation);
            // Another caller may have created it meanwhile; that is fine.
            if (!add.Succeeded && !add.Stderr.Contains("File exists", StringComparison.Ordinal))
                throw add.Failure($"creating bridge '{name}'");
        }
        (await host.Run(["link", "set", "dev", name, "up"], cancellation)).Check($"setting bridge '{name}' up");
        // Hide must not take the bridge's other addresses in the same subnet with it.
        await File.WriteAllTextAsync(PromoteSecondariesPath(name), "1", cancellation);
    }

    /// <summary>Deletes bridge <paramref name="name"/>; false when it did not exist.</summary>
    public async Task<bool> DeleteBridge(string name, CancellationToken cancellation = default)
    {
        var host = _tools.HostForChange();
        InterfaceNames.Check(name, nameof(name));
        var del = await host.Run(["link", "del", "dev", name, "type", "bridge"], cancellation);
        if (del.Succeeded)
            return true;
        return del.IsNoSuchDevice ? false : throw del.Failure($"deleting bridge '{name}'");
    }

    /// <summary>
    /// Gives the container whose first process is <paramref name="containerPid"/> the addresses <paramref name="cidrs"/>
    /// on interface <paramref name="ifName"/>. The first attach creates the veth pair (host end <c>vethwe&lt;id&gt;</c>
    /// on <paramref name="bridge"/>); later ones add addresses to the existing interface. <paramref name="containerId"/>
    /// (optional) names the host end after the container rather than the PID.
    /// </summary>
    public async Task Attach(int containerPid, IReadOnlyList<Cidr> cidrs, string ifName = DefaultInterface,
        string bridge = DefaultBridge, string? containerId = null, CancellationToken cancellation = default)
    {
        var container = _tools.InNamespaceOf(containerPid);
        var host = _tools.HostForChange();
        InterfaceNames.Check(ifName, nameof(ifName));
        InterfaceNames.Check(bridge, nameof(bridge));
        if (cidrs.Count == 0)
            throw new ArgumentException("at least one address is needed", nameof(cidrs));

        if (!(await host.Run(["-o", "link", "show", "dev", bridge], cancellation)).Succeeded)
            throw new NetworkAttachException($"bridge '{bridge}' does not exist (create it first)");

        var inside = await container.Run(["-o", "link", "show", "dev", ifName], cancellation);
        if (!inside.Succeeded)
        {
            if (!inside.IsNoSuchDevice)
                throw inside.Failure($"looking at the network namespace of {container.Where}");
            await CreatePair(host, containerPid, HostEndName(containerPid, containerId), ifName, bridge, cancellation);
        }

        // Without this, removing the first address of a subnet silently removes the others in it too.
        await PromoteSecondaries(containerPid, ifName, cancellation);
        var present = await container.AssignedAddresses(ifName, cancellation) ?? [];
        foreach (var cidr in cidrs.Distinct())
        {
            if (present.Contains(cidr))
                continue;
            var add = await container.Run(IpArguments.AddAddress(cidr, ifName), cancellation);
            if (!add.Succeeded && !add.IsAlreadyAssigned)
                throw add.Failure($"adding {cidr} to {ifName} of {container.Where}");
        }
        (await container.Run(["link", "set", "dev", ifName, "up"], cancellation)).Check($"setting {ifName} of {container.Where} up");
    }

    private static async Task CreatePair(IpCommand host, int containerPid, string hostEnd, string ifName, string bridge, CancellationToken cancellation)
    {
        if ((await host.Run(["-o", "link", "show", "dev", hostEnd], cancellation)).Succeeded)
            throw new NetworkAttachException($"interface '{hostEnd}' already exists on the host (another attach of this container is under way or left over)");
        (await host.Run(["link", "add", "name", hostEnd, "type", "veth", "peer", "name", ifName, "netns", containerPid.ToString(CultureInfo.InvariantCulture)], cancellation))
            .Check($"creating veth pair {hostEnd}/{ifName} for PID {containerPid}");
        try
        {
            (await host.Run(["link", "set", "dev", hostEnd, "master", bridge], cancellation)).Check($"joining '{hostEnd}' to bridge '{bridge}'");
            (await host.Run(["link", "set", "dev", hostEnd, "up"], cancellation)).Check($"setting '{hostEnd}' up");
        }
        catch
        {
            await host.Run(["link", "del", "dev", hostEnd], CancellationToken.None);
            throw;
        }
    }

    /// <summary>
    /// Removes <paramref name="cidrs"/> from the container's <paramref name="ifName"/>; when no address of ours is left
    /// the interface (and with it the host end of the pair) is deleted. Addresses it does not have are ignored.
    /// </summary>
    /// <returns>Whether the interface was deleted.</returns>
    public async Task<bool> Detach(int containerPid, IReadOnlyList<Cidr> cidrs, string ifName = DefaultInterface,
        CancellationToken cancellation = default)
    {
        var container = _tools.InNamespaceOf(containerPid);
        InterfaceNames.Check(ifName, nameof(ifName));
        if (await container.AssignedAddresses(ifName, cancellation) is not { } found)
            return false;
        var present = found.ToList();
        foreach (var cidr in cidrs.Distinct())
        {
            if (!present.Contains(cidr))
                continue;
            var del = await container.Run(IpArguments.DeleteAddress(cidr, ifName), cancellation);
            if (!del.Succeeded && !del.IsAddressAbsent)
                throw del.Failure($"removing {cidr} from {ifName} of {container.Where}");
            present.Remove(cidr);
        }
        if (present.Count > 0)
            return false;
        var linkDel = await container.Run(["link", "del", "dev", ifName], cancellation);
        if (!linkDel.Succeeded && !linkDel.IsNoSuchDevice)
            throw linkDel.Failure($"deleting {ifName} of {container.Where}");
        return true;
    }

    /// <summary>The addresses on the container's <paramref name="ifName"/>; empty when it has no such interface.</summary>
    public async Task<IReadOnlyList<Cidr>> Addresses(int containerPid, string ifName = DefaultInterface, CancellationToken cancellation = default)
    {
        var container = _tools.InNamespaceOf(containerPid);
        InterfaceNames.Check(ifName, nameof(ifName));
        return await container.AssignedAddresses(ifName, cancellation) ?? [];
    }

    /// <summary><c>weave expose</c>: adds <paramref name="cidr"/> to the bridge itself, giving the host an address on the weave network.</summary>
    public async Task Expose(Cidr cidr, string bridge = DefaultBridge, CancellationToken cancellation = default)
    {
        var host = _tools.HostForChange();
        InterfaceNames.Check(bridge, nameof(bridge));
        if ((await BridgeAddresses(host, bridge, cancellation)).Contains(cidr))
            return;
        var add = await host.Run(IpArguments.AddAddress(cidr, bridge), cancellation);
        if (!add.Succeeded && !add.IsAlreadyAssigned)
            throw add.Failure($"adding {cidr} to bridge '{bridge}'");
    }

    /// <summary><c>weave hide</c>: removes <paramref name="cidr"/> from the bridge; false when it was not there.</summary>
    public async Task<bool> Hide(Cidr cidr, string bridge = DefaultBridge, CancellationToken cancellation = default)
    {
        var host = _tools.HostForChange();
        InterfaceNames.Check(bridge, nameof(bridge));
        if (!(await BridgeAddresses(host, bridge, cancellation)).Contains(cidr))
            return false;
        var del = await host.Run(IpArguments.DeleteAddress(cidr, bridge), cancellation);
        if (del.Succeeded)
            return true;
        return del.IsAddressAbsent ? false : throw del.Failure($"removing {cidr} from bridge '{bridge}'");
    }

    /// <summary>The addresses of a host interface such as the bridge, in text order.</summary>
    public async Task<IReadOnlyList<Cidr>> HostAddresses(string ifName, CancellationToken cancellation = default)
    {
        var host = _tools.HostForChange();
        InterfaceNames.Check(ifName, nameof(ifName));
        return [.. (await BridgeAddresses(host, ifName, cancellation)).OrderBy(c => c.ToString(), StringComparer.Ordinal)];
    }

    /// <summary>The host end of the pair for a container: vethwe + the first 9 characters of its ID, or its PID.</summary>
    public static string HostEndName(int containerPid, string? containerId)
    {
        var suffix = string.IsNullOrEmpty(containerId)
            ? containerPid.ToString(CultureInfo.InvariantCulture)
            : containerId[..Math.Min(containerId.Length, 15 - HostPrefix.Length)];
        var name = HostPrefix + suffix;
        InterfaceNames.Check(name, nameof(containerId));
        return name;
    }

    private static async Task<IReadOnlyList<Cidr>> BridgeAddresses(IpCommand host, string ifName, CancellationToken cancellation) =>
        await host.AssignedAddresses(ifName, cancellation) ?? throw new NetworkAttachException($"interface '{ifName}' does not exist");

    private static string PromoteSecondariesPath(string ifName) => $"/proc/sys/net/ipv4/conf/{ifName}/promote_secondaries";

    /// <summary>
    /// Sets net.ipv4.conf.IF.promote_secondaries in the network namespace of <paramref name="pid"/>.
    /// /proc/sys/net shows the namespace of the process that opens it, so the write runs under nsenter.
    /// </summary>
    private async Task PromoteSecondaries(int pid, string ifName, CancellationToken cancellation)
    {
        var nsenter = _tools.Nsenter();
        (await CommandRunner.Run(nsenter, ["-t", pid.ToString(CultureInfo.InvariantCulture), "-n", "--", NetworkTools.Tee(), PromoteSecondariesPath(ifName)], cancellation, input: "1"))
            .Check($"enabling promote_secondaries on {ifName} of PID {pid}");
    }
}
