using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace WeaveOrleans.Docker;

/// <summary>A network set-up step failed; the message says which and why.</summary>
public sealed class NetworkAttachException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>Where the network tools are; defaults find them on PATH and in the sbin directories.</summary>
public sealed class NetworkAttacherOptions
{
    /// <summary>iproute2's <c>ip</c>; null: looked up.</summary>
    public string? IpPath { get; set; }

    /// <summary>util-linux's <c>nsenter</c>; null: looked up.</summary>
    public string? NsenterPath { get; set; }

    /// <summary>Overrides the root check (tests only).</summary>
    public Func<bool>? IsPrivileged { get; set; }
}

/// <summary>
/// Weave-style attachment of a container that runs with no Docker networking: a veth pair whose host
/// end joins a Linux bridge and whose other end moves into the container's network namespace (found
/// through the PID of its first process). Linux only, needs root. Every external command runs with an
/// argument list; nothing is ever passed through a shell.
/// </summary>
public sealed partial class NetworkAttacher
{
    public const string DefaultBridge = "weave";
    public const string DefaultInterface = "ethwe";
    private const string HostPrefix = "vethwe";
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(30);

    private readonly NetworkAttacherOptions _options;

    public NetworkAttacher() : this(new NetworkAttacherOptions())
    {
    }

    public NetworkAttacher(NetworkAttacherOptions options) => _options = options;

    /// <summary>Creates bridge <paramref name="name"/> if it does not exist and sets it up.</summary>
    public async Task EnsureBridge(string name = DefaultBridge, CancellationToken cancellation = default)
    {
        var ip = Preflight();
        CheckInterfaceName(name, nameof(name));
        var show = await Run(ip, ["-d", "-o", "link", "show", "dev", name], cancellation);
        if (show.ExitCode == 0)
        {
            if (!BridgeKind().IsMatch(show.Stdout))
                throw new NetworkAttachException($"interface '{name}' exists and is not a bridge");
        }
        else
        {
            var add = await Run(ip, ["link", "add", "name", name, "type", "bridge"], cancellation);
            // Another caller may have created it meanwhile; that is fine.
            if (add.ExitCode != 0 && !add.Stderr.Contains("File exists", StringComparison.Ordinal))
                throw Failed($"creating bridge '{name}'", add);
        }
        Check(await Run(ip, ["link", "set", "dev", name, "up"], cancellation), $"setting bridge '{name}' up");
        // Hide must not take the bridge's other addresses in the same subnet with it.
        await PromoteSecondaries(null, name, cancellation);
    }

    /// <summary>
    /// Sets net.ipv4.conf.IF.promote_secondaries in the network namespace of <paramref name="pid"/> (null: this one).
    /// /proc/sys/net shows the namespace of the process that opens it, so the write runs under nsenter.
    /// </summary>
    private async Task PromoteSecondaries(int? pid, string ifName, CancellationToken cancellation)
    {
        var path = $"/proc/sys/net/ipv4/conf/{ifName}/promote_secondaries";
        if (pid is null)
        {
            await File.WriteAllTextAsync(path, "1", cancellation);
            return;
        }
        var nsenter = FindTool(_options.NsenterPath, "nsenter", "util-linux");
        var tee = FindTool(null, "tee", "coreutils");
        Check(await Run(nsenter, ["-t", pid.Value.ToString(Culture), "-n", "--", tee, path], cancellation, input: "1"),
            $"enabling promote_secondaries on {ifName} of PID {pid}");
    }

    /// <summary>Deletes bridge <paramref name="name"/>; false when it did not exist.</summary>
    public async Task<bool> DeleteBridge(string name, CancellationToken cancellation = default)
    {
        var ip = Preflight();
        CheckInterfaceName(name, nameof(name));
        var del = await Run(ip, ["link", "del", "dev", name, "type", "bridge"], cancellation);
        if (del.ExitCode == 0)
            return true;
        if (IsNoSuchDevice(del))
            return false;
        throw Failed($"deleting bridge '{name}'", del);
    }

    /// <summary>
    /// Gives the container whose first process is <paramref name="containerPid"/> the addresses
    /// <paramref name="cidrs"/> ("a.b.c.d/len") on interface <paramref name="ifName"/>. The first attach
    /// creates the veth pair (host end <c>vethwe&lt;id&gt;</c> on <paramref name="bridge"/>); later ones add
    /// addresses to the existing interface. <paramref name="containerId"/> (optional) names the host end
    /// after the container rather than the PID.
    /// </summary>
    public async Task Attach(int containerPid, IReadOnlyList<string> cidrs, string ifName = DefaultInterface,
        string bridge = DefaultBridge, string? containerId = null, CancellationToken cancellation = default)
    {
        var ip = Preflight();
        var nsenter = FindTool(_options.NsenterPath, "nsenter", "util-linux");
        CheckPid(containerPid);
        CheckInterfaceName(ifName, nameof(ifName));
        CheckInterfaceName(bridge, nameof(bridge));
        var addresses = cidrs.Select(CheckCidr).ToArray();
        if (addresses.Length == 0)
            throw new ArgumentException("at least one address is needed", nameof(cidrs));

        var bridgeShow = await Run(ip, ["-o", "link", "show", "dev", bridge], cancellation);
        if (bridgeShow.ExitCode != 0)
            throw new NetworkAttachException($"bridge '{bridge}' does not exist (create it first)");

        var inside = await InContainer(nsenter, ip, containerPid, ["-o", "link", "show", "dev", ifName], cancellation);
        if (inside.ExitCode != 0)
        {
            if (!IsNoSuchDevice(inside))
                throw Failed($"looking at the network namespace of PID {containerPid}", inside);
            var hostEnd = HostEndName(containerPid, containerId);
            var exists = await Run(ip, ["-o", "link", "show", "dev", hostEnd], cancellation);
            if (exists.ExitCode == 0)
                throw new NetworkAttachException($"interface '{hostEnd}' already exists on the host (another attach of this container is under way or left over)");
            Check(await Run(ip, ["link", "add", "name", hostEnd, "type", "veth", "peer", "name", ifName, "netns", containerPid.ToString(Culture)], cancellation),
                $"creating veth pair {hostEnd}/{ifName} for PID {containerPid}");
            try
            {
                Check(await Run(ip, ["link", "set", "dev", hostEnd, "master", bridge], cancellation), $"joining '{hostEnd}' to bridge '{bridge}'");
                Check(await Run(ip, ["link", "set", "dev", hostEnd, "up"], cancellation), $"setting '{hostEnd}' up");
            }
            catch
            {
                await Run(ip, ["link", "del", "dev", hostEnd], CancellationToken.None);
                throw;
            }
        }

        // Without this, removing the first address of a subnet silently removes the others in it too.
        await PromoteSecondaries(containerPid, ifName, cancellation);
        var present = await ContainerAddresses(nsenter, ip, containerPid, ifName, cancellation);
        foreach (var cidr in addresses)
        {
            if (present.Contains(cidr))
                continue;
            var add = await InContainer(nsenter, ip, containerPid, ["addr", "add", cidr, "dev", ifName], cancellation);
            if (add.ExitCode != 0 && !IsAlreadyAssigned(add))
                throw Failed($"adding {cidr} to {ifName} of PID {containerPid}", add);
        }
        Check(await InContainer(nsenter, ip, containerPid, ["link", "set", "dev", ifName, "up"], cancellation),
            $"setting {ifName} of PID {containerPid} up");
    }

    /// <summary>
    /// Removes <paramref name="cidrs"/> from the container's <paramref name="ifName"/>; when no IPv4 address
    /// is left the interface (and with it the host end of the pair) is deleted. Addresses it does not have are ignored.
    /// </summary>
    /// <returns>Whether the interface was deleted.</returns>
    public async Task<bool> Detach(int containerPid, IReadOnlyList<string> cidrs, string ifName = DefaultInterface,
        CancellationToken cancellation = default)
    {
        var ip = Preflight();
        var nsenter = FindTool(_options.NsenterPath, "nsenter", "util-linux");
        CheckPid(containerPid);
        CheckInterfaceName(ifName, nameof(ifName));
        var addresses = cidrs.Select(CheckCidr).ToArray();

        var inside = await InContainer(nsenter, ip, containerPid, ["-o", "link", "show", "dev", ifName], cancellation);
        if (inside.ExitCode != 0)
        {
            if (IsNoSuchDevice(inside))
                return false;
            throw Failed($"looking at the network namespace of PID {containerPid}", inside);
        }
        var present = await ContainerAddresses(nsenter, ip, containerPid, ifName, cancellation);
        foreach (var cidr in addresses)
        {
            if (!present.Contains(cidr))
                continue;
            var del = await InContainer(nsenter, ip, containerPid, ["addr", "del", cidr, "dev", ifName], cancellation);
            if (del.ExitCode != 0 && !del.Stderr.Contains("Cannot assign requested address", StringComparison.Ordinal))
                throw Failed($"removing {cidr} from {ifName} of PID {containerPid}", del);
            present.Remove(cidr);
        }
        if (present.Count > 0)
            return false;
        var linkDel = await InContainer(nsenter, ip, containerPid, ["link", "del", "dev", ifName], cancellation);
        if (linkDel.ExitCode != 0 && !IsNoSuchDevice(linkDel))
            throw Failed($"deleting {ifName} of PID {containerPid}", linkDel);
        return true;
    }

    /// <summary>The IPv4 addresses ("a.b.c.d/len") on the container's <paramref name="ifName"/>; empty when it has no such interface.</summary>
    public async Task<IReadOnlyList<string>> Addresses(int containerPid, string ifName = DefaultInterface, CancellationToken cancellation = default)
    {
        var ip = Preflight();
        var nsenter = FindTool(_options.NsenterPath, "nsenter", "util-linux");
        CheckPid(containerPid);
        CheckInterfaceName(ifName, nameof(ifName));
        return (await ContainerAddresses(nsenter, ip, containerPid, ifName, cancellation)).ToList();
    }

    /// <summary><c>weave expose</c>: adds <paramref name="cidr"/> to the bridge itself, giving the host an address on the weave network.</summary>
    public async Task Expose(string cidr, string bridge = DefaultBridge, CancellationToken cancellation = default)
    {
        var ip = Preflight();
        CheckInterfaceName(bridge, nameof(bridge));
        var address = CheckCidr(cidr);
        if (await HostAddressSet(ip, bridge, cancellation) is var present && present.Contains(address))
            return;
        var add = await Run(ip, ["addr", "add", address, "dev", bridge], cancellation);
        if (add.ExitCode != 0 && !IsAlreadyAssigned(add))
            throw Failed($"adding {address} to bridge '{bridge}'", add);
    }

    /// <summary><c>weave hide</c>: removes <paramref name="cidr"/> from the bridge; false when it was not there.</summary>
    public async Task<bool> Hide(string cidr, string bridge = DefaultBridge, CancellationToken cancellation = default)
    {
        var ip = Preflight();
        CheckInterfaceName(bridge, nameof(bridge));
        var address = CheckCidr(cidr);
        if (!(await HostAddressSet(ip, bridge, cancellation)).Contains(address))
            return false;
        var del = await Run(ip, ["addr", "del", address, "dev", bridge], cancellation);
        if (del.ExitCode == 0)
            return true;
        if (del.Stderr.Contains("Cannot assign requested address", StringComparison.Ordinal))
            return false;
        throw Failed($"removing {address} from bridge '{bridge}'", del);
    }

    /// <summary>The IPv4 addresses ("a.b.c.d/len") of a host interface such as the bridge.</summary>
    public async Task<IReadOnlyList<string>> HostAddresses(string ifName, CancellationToken cancellation = default)
    {
        var ip = Preflight();
        CheckInterfaceName(ifName, nameof(ifName));
        return (await HostAddressSet(ip, ifName, cancellation)).Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// The IPv4 addresses of host interface <paramref name="ifName"/>, or null when there is no such interface.
    /// Reading needs no root, so callers can tell whether there is anything to change before they need it.
    /// </summary>
    public async Task<IReadOnlyList<string>?> HostAddressesIfPresent(string ifName, CancellationToken cancellation = default)
    {
        var ip = FindIp();
        CheckInterfaceName(ifName, nameof(ifName));
        var show = await Run(ip, ["-o", "-4", "addr", "show", "dev", ifName], cancellation);
        if (show.ExitCode != 0)
            return IsNoSuchDevice(show) ? null : throw Failed($"listing addresses of '{ifName}'", show);
        return ParseAddresses(show.Stdout).Order(StringComparer.Ordinal).ToList();
    }

    private static async Task<HashSet<string>> HostAddressSet(string ip, string ifName, CancellationToken cancellation)
    {
        var show = await Run(ip, ["-o", "-4", "addr", "show", "dev", ifName], cancellation);
        if (show.ExitCode != 0)
        {
            if (IsNoSuchDevice(show))
                throw new NetworkAttachException($"interface '{ifName}' does not exist");
            throw Failed($"listing addresses of '{ifName}'", show);
        }
        return ParseAddresses(show.Stdout).ToHashSet(StringComparer.Ordinal);
    }

    private static bool IsAlreadyAssigned(CommandResult r) =>
        r.Stderr.Contains("File exists", StringComparison.Ordinal) || r.Stderr.Contains("already assigned", StringComparison.Ordinal);

    /// <summary>The host end of the pair for a container: vethwe + the first 9 characters of its ID, or its PID.</summary>
    public static string HostEndName(int containerPid, string? containerId)
    {
        var suffix = string.IsNullOrEmpty(containerId)
            ? containerPid.ToString(Culture)
            : containerId[..Math.Min(containerId.Length, 15 - HostPrefix.Length)];
        var name = HostPrefix + suffix;
        CheckInterfaceName(name, nameof(containerId));
        return name;
    }

    private static readonly IFormatProvider Culture = System.Globalization.CultureInfo.InvariantCulture;

    private string Preflight()
    {
        var ip = FindIp();
        var privileged = _options.IsPrivileged?.Invoke() ?? Environment.IsPrivilegedProcess;
        if (!privileged)
            throw new NetworkAttachException("changing container networking needs root (run as root or with CAP_NET_ADMIN and CAP_SYS_ADMIN)");
        return ip;
    }

    private string FindIp()
    {
        if (!OperatingSystem.IsLinux())
            throw new PlatformNotSupportedException("attaching containers needs Linux network namespaces");
        return FindTool(_options.IpPath, "ip", "iproute2");
    }

    private static string FindTool(string? configured, string name, string package)
    {
        if (configured is not null)
            return File.Exists(configured) ? configured : throw new NetworkAttachException($"'{configured}' not found (install {package})");
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (var dir in path.Split(':', StringSplitOptions.RemoveEmptyEntries).Concat(["/usr/sbin", "/sbin", "/usr/bin", "/bin"]))
        {
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate))
                return candidate;
        }
        throw new NetworkAttachException($"'{name}' not found on PATH or in /usr/sbin, /sbin (install {package})");
    }

    private static void CheckPid(int pid)
    {
        if (pid <= 0)
            throw new NetworkAttachException($"PID {pid} is not a process (is the container running?)");
        if (!File.Exists($"/proc/{pid.ToString(Culture)}/ns/net"))
            throw new NetworkAttachException($"no process with PID {pid} (has the container exited?)");
    }

    private static void CheckInterfaceName(string name, string parameter)
    {
        // Linux: at most 15 bytes, no '/', ':' or whitespace; keep to a conservative set.
        if (string.IsNullOrEmpty(name) || name.Length > 15 || !InterfaceName().IsMatch(name))
            throw new ArgumentException($"'{name}' is not a valid interface name (1-15 of a-z A-Z 0-9 _ . -, not starting with '-')", parameter);
    }

    /// <summary>Validates "a.b.c.d/len" and returns it in canonical form.</summary>
    private static string CheckCidr(string cidr)
    {
        var slash = cidr?.IndexOf('/') ?? -1;
        if (cidr is null || slash <= 0
            || !IPAddress.TryParse(cidr.AsSpan(0, slash), out var address)
            || address.AddressFamily != AddressFamily.InterNetwork
            || !int.TryParse(cidr.AsSpan(slash + 1), System.Globalization.NumberStyles.None, Culture, out var length)
            || length is < 0 or > 32)
            throw new ArgumentException($"'{cidr}' is not an IPv4 address with prefix length (a.b.c.d/len)", nameof(cidr));
        return $"{address}/{length.ToString(Culture)}";
    }

    private async Task<HashSet<string>> ContainerAddresses(string nsenter, string ip, int pid, string ifName, CancellationToken cancellation)
    {
        var show = await InContainer(nsenter, ip, pid, ["-o", "-4", "addr", "show", "dev", ifName], cancellation);
        if (show.ExitCode != 0)
        {
            if (IsNoSuchDevice(show))
                return [];
            throw Failed($"listing addresses of {ifName} in PID {pid}", show);
        }
        return ParseAddresses(show.Stdout).ToHashSet(StringComparer.Ordinal);
    }

    private static IEnumerable<string> ParseAddresses(string ipOneLineOutput)
    {
        foreach (Match m in InetAddress().Matches(ipOneLineOutput))
            yield return m.Groups[1].Value;
    }

    private static Task<CommandResult> InContainer(string nsenter, string ip, int pid, IReadOnlyList<string> ipArguments, CancellationToken cancellation) =>
        Run(nsenter, ["-t", pid.ToString(Culture), "-n", "--", ip, .. ipArguments], cancellation);

    private static bool IsNoSuchDevice(CommandResult r) =>
        r.Stderr.Contains("does not exist", StringComparison.Ordinal) || r.Stderr.Contains("Cannot find device", StringComparison.Ordinal);

    private static CommandResult Check(CommandResult r, string what) => r.ExitCode == 0 ? r : throw Failed(what, r);

    private static NetworkAttachException Failed(string what, CommandResult r) =>
        new($"{what} failed: {r.Describe()}");

    internal static async Task<CommandResult> Run(string file, IReadOnlyList<string> arguments, CancellationToken cancellation, string? input = null)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var a in arguments)
            start.ArgumentList.Add(a);
        // Untranslated messages, so the checks on stderr above hold.
        start.Environment["LC_ALL"] = "C";
        using var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new NetworkAttachException($"cannot run '{file}': {e.Message}", e);
        }
        if (input is not null)
            await process.StandardInput.WriteAsync(input);
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync(cancellation);
        var stderr = process.StandardError.ReadToEndAsync(cancellation);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        timeout.CancelAfter(CommandTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            try { process.Kill(); } catch (InvalidOperationException) { }
            cancellation.ThrowIfCancellationRequested();
            throw new NetworkAttachException($"'{file} {string.Join(' ', arguments)}' did not finish within {CommandTimeout.TotalSeconds} s");
        }
        return new CommandResult(file, arguments, process.ExitCode, await stdout, await stderr);
    }

    [GeneratedRegex(@"^[A-Za-z0-9_.][A-Za-z0-9_.\-]*$")]
    private static partial Regex InterfaceName();

    // `ip -d link show` prints the link kind ("bridge forward_delay ...") among the details.
    [GeneratedRegex(@"\sbridge\s")]
    private static partial Regex BridgeKind();

    [GeneratedRegex(@"\binet (\d+\.\d+\.\d+\.\d+/\d+)")]
    private static partial Regex InetAddress();
}

internal sealed record CommandResult(string File, IReadOnlyList<string> Arguments, int ExitCode, string Stdout, string Stderr)
{
    public string Describe()
    {
        var message = Stderr.Trim();
        if (message.Length == 0) message = Stdout.Trim();
        return $"'{Path.GetFileName(File)} {string.Join(' ', Arguments)}' exited with {ExitCode}: {message}";
    }
}
