using System.Globalization;

namespace WeaveOrleans.Network;

/// <summary><c>ip</c> run on the host, or inside the network namespace of a process through <c>nsenter</c>.</summary>
internal sealed class IpCommand
{
    private readonly string _ip;
    private readonly string? _nsenter;
    private readonly int _pid;

    private IpCommand(string ip, string? nsenter, int pid)
    {
        _ip = ip;
        _nsenter = nsenter;
        _pid = pid;
    }

    public static IpCommand OnHost(string ip) => new(ip, null, 0);

    public static IpCommand InNamespaceOf(int pid, string ip, string nsenter) => new(ip, nsenter, pid);

    /// <summary>"PID n" or "the host", for messages.</summary>
    public string Where => _nsenter is null ? "the host" : $"PID {_pid.ToString(CultureInfo.InvariantCulture)}";

    public Task<CommandResult> Run(IReadOnlyList<string> arguments, CancellationToken cancellation, string? input = null) =>
        _nsenter is null
            ? CommandRunner.Run(_ip, arguments, cancellation, input)
            : CommandRunner.Run(_nsenter, ["-t", _pid.ToString(CultureInfo.InvariantCulture), "-n", "--", _ip, .. arguments], cancellation, input);

    /// <summary>The addresses we may have put on <paramref name="device"/> (both families); null when there is no such device.</summary>
    public async Task<IReadOnlyList<Ipam.Addresses.Cidr>?> AssignedAddresses(string device, CancellationToken cancellation)
    {
        var show = await Run(IpArguments.ShowAddresses(device), cancellation);
        if (show.Succeeded)
            return IpOutput.AssignedAddresses(show.Stdout);
        return show.IsNoSuchDevice ? null : throw show.Failure($"listing addresses of {device} in {Where}");
    }
}
