namespace WeaveOrleans.Cni;

/// <summary>What each CNI command asks of the daemon.</summary>
internal static class Commands
{
    /// <summary>How long the reason for a timed-out ADD (no ring, or no space) may take to learn.</summary>
    private static readonly TimeSpan DiagnoseTimeout = TimeSpan.FromSeconds(2);

    /// <summary>
    /// ADD: the attachment's address (the same one when asked again), and with <c>gateway</c> the network's
    /// gateway on this host. The daemon waits for consensus or space; the plugin answers within
    /// <see cref="NetworkConfig.Timeout"/> instead, with code 11 (try again later) and why.
    /// </summary>
    public static async Task Add(PluginEnvironment env, NetworkConfig config, DaemonClient daemon, Stream stdout)
    {
        var ident = IdentOf(env, config);
        using var deadline = new CancellationTokenSource(config.Timeout);
        try
        {
            var address = await daemon.Allocate(ident, config.Subnet, deadline.Token);
            string? gateway = null;
            if (config.Gateway)
            {
                var cidr = await daemon.Allocate(AttachmentIdent.GatewayFor(config.NetworkName), config.Subnet, deadline.Token);
                gateway = cidr.Split('/')[0];
            }
            CniOutput.WriteAddResult(stdout, config.CniVersion, [address], gateway, config.Routes);
        }
        catch (DaemonUnreachableException e)
        {
            throw new CniException(CniErrorCode.TryAgainLater, e.Message);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            throw await WhyNoAddress(config, daemon);
        }
    }

    private static async Task<CniException> WhyNoAddress(NetworkConfig config, DaemonClient daemon)
    {
        var waited = $"{config.Timeout.TotalSeconds:0.###} s";
        bool ring;
        try
        {
            using var diagnose = new CancellationTokenSource(DiagnoseTimeout);
            ring = await daemon.HasRing(diagnose.Token);
        }
        catch (Exception e) when (e is DaemonUnreachableException or OperationCanceledException or CniException)
        {
            return new CniException(CniErrorCode.TryAgainLater, $"the daemon on {daemon.SocketPath} gave no address within {waited} and does not answer its status");
        }
        var where = config.Subnet is { } s ? $"subnet {s}" : "the default subnet";
        return ring
            ? new CniException(CniErrorCode.TryAgainLater, $"no free address in {where} within {waited}: every address is held")
            : new CniException(CniErrorCode.TryAgainLater, $"the daemon has no ring yet (consensus with its peers not reached) after {waited}; it cannot allocate until it has one");
    }

    /// <summary>DEL: release the attachment's address; nothing to release is success too (a second DEL, an unknown attachment).</summary>
    public static async Task Delete(PluginEnvironment env, NetworkConfig config, DaemonClient daemon, CancellationToken cancellation)
    {
        var ident = IdentOf(env, config);
        await Reachable(() => daemon.Release(ident, cancellation), CniErrorCode.TryAgainLater);
    }

    /// <summary>CHECK: the daemon still holds an address for the attachment, and the one of <c>prevResult</c>.</summary>
    public static async Task Check(PluginEnvironment env, NetworkConfig config, DaemonClient daemon, CancellationToken cancellation)
    {
        var ident = IdentOf(env, config);
        var held = await Reachable(() => daemon.Lookup(ident, config.Subnet, cancellation), CniErrorCode.TryAgainLater);
        if (held.Length == 0)
            throw new CniException(CniErrorCode.AddressNotHeld, $"the daemon no longer holds an address for {ident}");
        var heldAddresses = held.Select(AddressPart).ToHashSet(StringComparer.Ordinal);
        foreach (var expected in config.PreviousAddresses)
        {
            if (!heldAddresses.Contains(AddressPart(expected)))
                throw new CniException(CniErrorCode.AddressNotHeld,
                    $"the daemon no longer holds {expected} for {ident} (it holds {string.Join(", ", held)})");
        }
    }

    /// <summary>
    /// GC: release this plugin's attachments on this network that are not in <c>cni.dev/valid-attachments</c>.
    /// Idents of other networks, the network's gateway, Docker's and the CLI's do not parse as this network's
    /// attachments and are never touched. Goes on past a failed release and reports them all at the end.
    /// </summary>
    public static async Task CollectGarbage(NetworkConfig config, DaemonClient daemon, CancellationToken cancellation)
    {
        var network = config.NetworkName;
        var valid = (config.ValidAttachments ?? throw new CniException(CniErrorCode.InvalidConfig,
                "GC needs \"cni.dev/valid-attachments\" (the attachments to keep); without it nothing is released"))
            .ToHashSet();
        var owned = await Reachable(() => daemon.OwnedIdents(cancellation), CniErrorCode.TryAgainLater);
        var failures = new List<string>();
        foreach (var ident in owned)
        {
            if (AttachmentIdent.ParseAttachment(ident, network) is not { } attachment || valid.Contains(attachment))
                continue;
            try
            {
                await daemon.Release(ident, cancellation);
            }
            catch (Exception e) when (e is CniException or DaemonUnreachableException or OperationCanceledException)
            {
                failures.Add($"{ident}: {e.Message}");
            }
        }
        if (failures.Count > 0)
            throw new CniException(CniErrorCode.TryAgainLater, $"GC could not release {failures.Count} stale attachment(s): {string.Join("; ", failures)}");
    }

    /// <summary>STATUS: ready only when the daemon answers and has a ring, so that an ADD need not wait for consensus.</summary>
    public static async Task Status(DaemonClient daemon, CancellationToken cancellation)
    {
        bool ring;
        try
        {
            ring = await daemon.HasRing(cancellation);
        }
        catch (Exception e) when (e is DaemonUnreachableException or CniException or OperationCanceledException)
        {
            throw new CniException(CniErrorCode.NotAvailable, e is OperationCanceledException ? $"the daemon on {daemon.SocketPath} does not answer" : e.Message);
        }
        if (!ring)
            throw new CniException(CniErrorCode.NotAvailable, "the daemon has no ring yet (consensus with its peers not reached): it cannot allocate now");
    }

    private static string IdentOf(PluginEnvironment env, NetworkConfig config)
    {
        var (containerId, ifName) = env.Attachment();
        var ident = AttachmentIdent.For(config.NetworkName, containerId, ifName);
        return ident.Length <= AttachmentIdent.MaxLength
            ? ident
            : throw new CniException(CniErrorCode.InvalidConfig,
                $"network name, CNI_CONTAINERID and CNI_IFNAME together are longer than the daemon's {AttachmentIdent.MaxLength}-character identifiers");
    }

    private static async Task<T> Reachable<T>(Func<Task<T>> call, int code)
    {
        try
        {
            return await call();
        }
        catch (DaemonUnreachableException e)
        {
            throw new CniException(code, e.Message);
        }
        catch (OperationCanceledException)
        {
            throw new CniException(code, "the daemon did not answer in time");
        }
    }

    private static string AddressPart(string cidr) => cidr.Split('/')[0];
}
