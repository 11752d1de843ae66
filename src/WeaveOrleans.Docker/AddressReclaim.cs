using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using WeaveOrleans.Grains;
using WeaveOrleans.Ipam.Addresses;
using WeaveOrleans.Ipam.Allocation;
using WeaveOrleans.Network;
using WeaveOrleans.Contract.Api;

namespace WeaveOrleans.Docker;

/// <summary>
/// At launch, finds the addresses already in use on this host, for the allocator to claim before it hands out
/// anything: those on the bridge (weave:expose) and those on the container ends of the bridge's veths, filed
/// under the running container that holds them. Without this, a daemon whose state was lost (data dir wiped, a
/// relaunch that discards allocations) gives a running container's address to the next one. Veths on the bridge
/// need Docker to name their containers, so while Docker cannot be reached the search (and with it every
/// allocation) waits; with Docker turned off, every process's network namespace is searched instead and what is
/// found is filed by address, as Weave does.
/// </summary>
public sealed class AddressReclaim : BackgroundService, IExistingAddressSource
{
    private readonly AddressReclaimOptions _options;
    private readonly NetworkInspector _inspector;
    private readonly DockerContainers? _docker;
    private readonly ILogger<AddressReclaim> _logger;
    private readonly TimeProvider _time;
    private readonly TaskCompletionSource<IReadOnlyList<ExistingAddress>> _found = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile string _waiting;

    /// <param name="docker">Null when Docker is not followed (<c>--docker-endpoint none</c>).</param>
    public AddressReclaim(AddressReclaimOptions options, NetworkInspector inspector, DockerContainers? docker, ILogger<AddressReclaim> logger, TimeProvider? time = null)
    {
        _options = options;
        _inspector = inspector;
        _docker = docker;
        _logger = logger;
        _time = time ?? TimeProvider.System;
        _waiting = $"looking at bridge '{options.Bridge}'";
    }

    public Task<IReadOnlyList<ExistingAddress>> Found => _found.Task;

    public string Waiting => _waiting;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        try
        {
            var found = await Search(stoppingToken);
            if (found.Count == 0)
                _logger.LogInformation("No addresses in use on bridge {Bridge} or on containers attached to it", _options.Bridge);
            else
                _logger.LogInformation("Found {Count} addresses in use on bridge {Bridge} and its containers; claiming them before allocating: {Addresses}",
                    found.Count, _options.Bridge, string.Join(", ", found.Select(f => $"{f.Cidr} ({Short(f.Ident)})")));
            _found.TrySetResult(found);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            _found.TrySetCanceled(stoppingToken);
        }
    }

    private async Task<IReadOnlyList<ExistingAddress>> Search(CancellationToken cancellation)
    {
        var found = new List<ExistingAddress>();
        IReadOnlyDictionary<int, int> veths;
        try
        {
            foreach (var cidr in Claimable(await _inspector.HostAddressesIfPresent(_options.Bridge, cancellation) ?? []))
                found.Add(new ExistingAddress(Idents.Expose, cidr, IsContainer: false));
            veths = await _inspector.AttachedVeths(_options.Bridge, cancellation);
        }
        catch (Exception e) when (e is NetworkAttachException or PlatformNotSupportedException or ArgumentException)
        {
            // Nothing can have been attached on a host where the bridge cannot even be read.
            _logger.LogWarning("Cannot look at bridge {Bridge} for addresses in use: {Error}", _options.Bridge, e.Message);
            return found;
        }
        if (veths.Count == 0)
            return found;

        if (_docker is null)
            found.AddRange(await InAllNamespaces(veths, cancellation));
        else
            found.AddRange(await InRunningContainers(_docker, veths, cancellation));
        return found;
    }

    private async Task<List<ExistingAddress>> InRunningContainers(DockerContainers docker, IReadOnlyDictionary<int, int> veths, CancellationToken cancellation)
    {
        var delay = _options.InitialBackoff;
        IReadOnlyList<ContainerInfo> running;
        while (true)
        {
            try
            {
                running = await docker.Running(cancellation);
                break;
            }
            catch (Exception e) when (e is HttpRequestException or IOException or TimeoutException or global::Docker.DotNet.DockerApiException
                                      || (e is OperationCanceledException && !cancellation.IsCancellationRequested))
            {
                var message = $"{veths.Count} interfaces are attached to bridge '{_options.Bridge}' and Docker is needed to tell whose they are, but it is not reachable ({e.GetBaseException().Message}); retrying";
                if (_waiting != message)
                    _logger.LogWarning("{Waiting}", message);
                _waiting = message;
            }
            await Task.Delay(delay, _time, cancellation);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.MaxBackoff.Ticks));
        }

        var found = new List<ExistingAddress>();
        foreach (var container in running)
            foreach (var cidr in await Addresses(container.Pid, veths, Short(container.Id), cancellation))
                found.Add(new ExistingAddress(container.Id, cidr, IsContainer: true));
        return found;
    }

    private async Task<List<ExistingAddress>> InAllNamespaces(IReadOnlyDictionary<int, int> veths, CancellationToken cancellation)
    {
        var found = new List<ExistingAddress>();
        var own = NamespaceOf("self");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid) || NamespaceOf(pid.ToString(System.Globalization.CultureInfo.InvariantCulture)) is not { } ns
                || ns == own || !seen.Add(ns))
                continue;
            foreach (var cidr in await Addresses(pid, veths, $"PID {pid}", cancellation))
                found.Add(new ExistingAddress(Idents.NoContainer, cidr, IsContainer: false));
        }
        return found;
    }

    private async Task<IReadOnlyList<Cidr>> Addresses(int pid, IReadOnlyDictionary<int, int> veths, string whose, CancellationToken cancellation)
    {
        try
        {
            return Claimable(await _inspector.AddressesOnVeths(pid, veths, cancellation));
        }
        catch (NetworkAttachException e)
        {
            // Typically gone between the listing and the look; a live one we cannot read is worth a warning.
            _logger.LogWarning("Cannot read the addresses of {Whose}: {Error}", whose, e.Message);
            return [];
        }
    }

    /// <summary>The ring is IPv4 only today, so only IPv4 addresses can be claimed back.</summary>
    private static IReadOnlyList<Cidr> Claimable(IReadOnlyList<Cidr> cidrs) => [.. cidrs.Where(c => c.Address.IsV4)];

    private static string? NamespaceOf(string pid)
    {
        try
        {
            return new FileInfo($"/proc/{pid}/ns/net").LinkTarget;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static string Short(string ident) => ident.Length == 64 ? ident[..12] : ident;
}
