namespace WeaveOrleans.Network;

/// <summary>Finds the external tools and checks what every change needs (Linux, root) before anything runs.</summary>
internal sealed class NetworkTools(NetworkAttacherOptions options)
{
    /// <summary><c>ip</c> on the host, after checking the caller may change networking.</summary>
    public IpCommand HostForChange()
    {
        var ip = Ip();
        var privileged = options.IsPrivileged?.Invoke() ?? Environment.IsPrivilegedProcess;
        if (!privileged)
            throw new NetworkAttachException("changing container networking needs root (run as root or with CAP_NET_ADMIN and CAP_SYS_ADMIN)");
        return IpCommand.OnHost(ip);
    }

    /// <summary><c>ip</c> on the host for reading, which needs no root.</summary>
    public IpCommand HostForReading() => IpCommand.OnHost(Ip());

    /// <summary><c>ip</c> inside the network namespace of <paramref name="pid"/>, after the same checks as <see cref="HostForChange"/>.</summary>
    public IpCommand InNamespaceOf(int pid)
    {
        HostForChange();
        var nsenter = Nsenter();
        InterfaceNames.CheckPid(pid);
        return IpCommand.InNamespaceOf(pid, Ip(), nsenter);
    }

    public string Nsenter() => Find(options.NsenterPath, "nsenter", "util-linux");

    public static string Tee() => Find(null, "tee", "coreutils");

    private string Ip()
    {
        if (!OperatingSystem.IsLinux())
            throw new PlatformNotSupportedException("attaching containers needs Linux network namespaces");
        return Find(options.IpPath, "ip", "iproute2");
    }

    private static string Find(string? configured, string name, string package)
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
}
