using WeaveOrleans.Ipam.Addresses;

namespace WeaveOrleans.Network;

/// <summary>
/// Reads what is attached to a bridge and which addresses it carries: for <c>weave ps</c>, for reset (what
/// expose left on the bridge) and for the reclaim at launch. Changes nothing.
/// </summary>
public sealed class NetworkInspector
{
    private readonly NetworkTools _tools;

    public NetworkInspector() : this(new NetworkAttacherOptions())
    {
    }

    public NetworkInspector(NetworkAttacherOptions options) => _tools = new NetworkTools(options);

    /// <summary>
    /// The addresses of host interface <paramref name="ifName"/>, in text order, or null when there is no such
    /// interface. Needs no root, so callers can tell whether there is anything to change before they need it.
    /// </summary>
    public async Task<IReadOnlyList<Cidr>?> HostAddressesIfPresent(string ifName, CancellationToken cancellation = default)
    {
        var host = _tools.HostForReading();
        InterfaceNames.Check(ifName, nameof(ifName));
        return await host.AssignedAddresses(ifName, cancellation) is { } found
            ? [.. found.OrderBy(c => c.ToString(), StringComparer.Ordinal)]
            : null;
    }

    /// <summary>
    /// The veths joined to <paramref name="bridge"/>: for each, its interface index on the host and the index of its
    /// other end (inside some container's network namespace). Empty when the bridge does not exist or has no veths.
    /// Needs no root.
    /// </summary>
    public async Task<IReadOnlyDictionary<int, int>> AttachedVeths(string bridge, CancellationToken cancellation = default)
    {
        var host = _tools.HostForReading();
        InterfaceNames.Check(bridge, nameof(bridge));
        var show = await host.Run(["-o", "link", "show", "master", bridge], cancellation);
        if (show.Succeeded)
            return IpOutput.VethPairs(show.Stdout);
        return show.IsNoSuchDevice ? new Dictionary<int, int>() : throw show.Failure($"listing the interfaces of bridge '{bridge}'");
    }

    /// <summary>
    /// The addresses that the network namespace of <paramref name="pid"/> has on the other ends of <paramref name="veths"/>
    /// (from <see cref="AttachedVeths"/>).
    /// </summary>
    public async Task<IReadOnlyList<Cidr>> AddressesOnVeths(int pid, IReadOnlyDictionary<int, int> veths, CancellationToken cancellation = default) =>
        [.. (await DevicesOnVeths(pid, veths, cancellation)).SelectMany(d => d.Cidrs)];

    /// <summary>
    /// The interfaces in the network namespace of <paramref name="pid"/> that are the other ends of <paramref name="veths"/>
    /// (from <see cref="AttachedVeths"/>), with their MACs and addresses in the kernel's order. Both indexes of a
    /// pair must match: every container's first veth has the same index, whichever bridge its host end is on.
    /// </summary>
    public async Task<IReadOnlyList<NetDevice>> DevicesOnVeths(int pid, IReadOnlyDictionary<int, int> veths, CancellationToken cancellation = default)
    {
        var container = _tools.InNamespaceOf(pid);
        // Links and addresses from one ip process (its batch mode): weave ps looks into every running container.
        var show = await container.Run(["-o", "-batch", "-"], cancellation, input: "link show\naddr show\n");
        if (!show.Succeeded)
            throw show.Failure($"listing the interfaces in the network namespace of {container.Where}");
        var ours = IpOutput.Links(show.Stdout)
            .Where(l => l is { PeerIndex: { } peer, Mac: not null } && veths.TryGetValue(peer, out var end) && end == l.Index)
            .ToList();
        if (ours.Count == 0)
            return [];
        var addresses = IpOutput.Addresses(show.Stdout).Where(a => !a.IsKernelLinkLocal).ToList();
        return [.. ours.Select(d => new NetDevice(d.Name, d.Mac!, [.. addresses.Where(a => a.Index == d.Index).Select(a => a.Cidr)]))];
    }

    /// <summary>The bridge itself as a device (its MAC and addresses, in the kernel's order); null when there is no such interface. Needs no root.</summary>
    public async Task<NetDevice?> BridgeDevice(string bridge, CancellationToken cancellation = default)
    {
        var host = _tools.HostForReading();
        InterfaceNames.Check(bridge, nameof(bridge));
        var link = await host.Run(["-o", "link", "show", "dev", bridge], cancellation);
        if (!link.Succeeded)
            return link.IsNoSuchDevice ? null : throw link.Failure($"looking at '{bridge}'");
        var addresses = await host.AssignedAddresses(bridge, cancellation) ?? throw new NetworkAttachException($"'{bridge}' went away while it was read");
        var mac = IpOutput.Links(link.Stdout).FirstOrDefault()?.Mac ?? "";
        return new NetDevice(bridge, mac, addresses);
    }
}
