using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace WeaveOrleans.Cli;

/// <summary>Finding, starting and stopping the weaver daemon process; its PID lives in &lt;data-dir&gt;/weaver.pid.</summary>
public static partial class DaemonProcess
{
    internal const int SigTerm = 15;
    private const int SigKill = 9;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SysKill(int pid, int signal);

    /// <summary>
    /// The daemon to run, as a program and its leading arguments: $WEAVE_WEAVER (weaver.dll or an executable),
    /// else weaver.dll next to this program, else the built weaver.dll of the source tree this program was
    /// built from, else scripts/weaver of that tree.
    /// </summary>
    public static (string Program, string[] Arguments) Locate(Func<string, string?> environment)
    {
        if (environment("WEAVE_WEAVER") is { Length: > 0 } given)
            return Command(Path.GetFullPath(given));
        var here = AppContext.BaseDirectory;
        var sibling = Path.Combine(here, "weaver.dll");
        if (File.Exists(sibling))
            return Command(sibling);
        for (var dir = new DirectoryInfo(here); dir is not null; dir = dir.Parent)
        {
            if (!File.Exists(Path.Combine(dir.FullName, "WeaveOrleans.sln")))
                continue;
            foreach (var config in new[] { "Release", "Debug" })
            {
                var dll = Path.Combine(dir.FullName, "src", "WeaveOrleans.Host", "bin", config, "net10.0", "weaver.dll");
                if (File.Exists(dll))
                    return Command(dll);
            }
            var script = Path.Combine(dir.FullName, "scripts", "weaver");
            if (File.Exists(script))
                return (script, []);
        }
        throw new CliException("cannot find the weaver daemon (set WEAVE_WEAVER to weaver.dll or build src/WeaveOrleans.Host)");
    }

    private static (string, string[]) Command(string path)
    {
        if (!File.Exists(path))
            throw new CliException($"cannot find the weaver daemon at {path}");
        return path.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) ? (DotnetHost(), [path]) : (path, []);
    }

    private static string DotnetHost()
    {
        var self = Environment.ProcessPath;
        return self is not null && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self : "dotnet";
    }

    /// <summary>
    /// Starts the daemon detached from this process (its own session, stdin from /dev/null, stdout and stderr
    /// appended to <paramref name="logFile"/>). The shell only sets up the redirections and execs; no argument
    /// is ever interpreted by it.
    /// </summary>
    public static Process StartDetached(string program, IEnumerable<string> arguments, string logFile)
    {
        var psi = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add("log=$1; shift; exec \"$@\" </dev/null >>\"$log\" 2>&1");
        psi.ArgumentList.Add("weave-launch");
        psi.ArgumentList.Add(logFile);
        if (FindOnPath("setsid") is { } setsid)
            psi.ArgumentList.Add(setsid);
        psi.ArgumentList.Add(program);
        foreach (var a in arguments)
            psi.ArgumentList.Add(a);
        return Process.Start(psi) ?? throw new CliException("cannot start the weaver daemon");
    }

    /// <summary>Runs the daemon in the foreground with this process's standard streams and waits for it.</summary>
    public static Process StartForeground(string program, IEnumerable<string> arguments)
    {
        var psi = new ProcessStartInfo(program) { UseShellExecute = false };
        foreach (var a in arguments)
            psi.ArgumentList.Add(a);
        return Process.Start(psi) ?? throw new CliException("cannot start the weaver daemon");
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin")
            .Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Append("/usr/bin").Append("/bin")
            .Select(d => Path.Combine(d, name))
            .FirstOrDefault(File.Exists);

    public static void WritePid(string pidFile, int pid)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(pidFile)!);
        var temp = pidFile + ".tmp";
        File.WriteAllText(temp, pid.ToString(CultureInfo.InvariantCulture) + "\n");
        File.Move(temp, pidFile, overwrite: true);
    }

    /// <summary>The PID in <paramref name="pidFile"/> when that process is alive and is a weaver; else null.</summary>
    public static int? RunningPid(string pidFile)
    {
        try
        {
            if (!File.Exists(pidFile))
                return null;
            if (!int.TryParse(File.ReadAllText(pidFile).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || pid <= 1)
                return null;
            return IsAlive(pid) && IsWeaver(pid) ? pid : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Whether <paramref name="pid"/> exists and is not a zombie.</summary>
    public static bool IsAlive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var close = stat.LastIndexOf(')');
            return close > 0 && close + 2 < stat.Length && stat[close + 2] is not ('Z' or 'X');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static bool IsWeaver(int pid)
    {
        try
        {
            var cmdline = File.ReadAllText($"/proc/{pid}/cmdline");
            return cmdline.Contains("weaver", StringComparison.Ordinal) || cmdline.Contains("WeaveOrleans.Host", StringComparison.Ordinal);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    internal static void Signal(int pid, int signal) => SysKill(pid, signal);

    /// <summary>The command that runs this CLI again, as a program and its leading arguments (the supervisor runs as <c>weave supervise</c>).</summary>
    /// <remarks>
    /// Compiled ahead of time (scripts/build-weave) this program is its own executable; otherwise it is weave.dll
    /// run by the dotnet host (the tests run it so). Told apart by the process's own path, not by
    /// RuntimeFeature.IsDynamicCodeSupported: PublishAot switches that off in weave.dll's runtimeconfig too.
    /// </remarks>
    public static (string Program, string[] Arguments) Self()
    {
        var self = Environment.ProcessPath ?? throw new CliException("cannot tell which program this is");
        return Path.GetFileNameWithoutExtension(self) == "dotnet"
            ? (self, [Path.Combine(AppContext.BaseDirectory, "weave.dll")])
            : (self, []);
    }

    /// <summary>Sends SIGTERM and waits up to <paramref name="grace"/>; then SIGKILL. Returns whether SIGKILL was needed.</summary>
    public static async Task<bool> Stop(int pid, TimeSpan grace, CancellationToken cancellation = default)
    {
        if (SysKill(pid, SigTerm) != 0 && IsAlive(pid))
            throw new CliException($"cannot signal the weave daemon (PID {pid}): error {Marshal.GetLastPInvokeError()}");
        if (await WaitGone(pid, grace, cancellation))
            return false;
        SysKill(pid, SigKill);
        if (!await WaitGone(pid, TimeSpan.FromSeconds(5), cancellation))
            throw new CliException($"the weave daemon (PID {pid}) did not stop");
        return true;
    }

    private static async Task<bool> WaitGone(int pid, TimeSpan timeout, CancellationToken cancellation)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (IsAlive(pid))
        {
            if (DateTime.UtcNow > deadline)
                return false;
            await Task.Delay(100, cancellation);
        }
        return true;
    }
}
