using System.Diagnostics;
using System.Globalization;
using WeaveOrleans.TestSupport;

namespace WeaveOrleans.Cli.Tests;

/// <summary>
/// <c>weave launch</c> run as its own process, the two ways users run it: the JIT'd weave.dll under the dotnet host,
/// and the native binary scripts/weave runs. Its supervisor is this same CLI started again (DaemonProcess.Self()), so
/// it must be started in the form the CLI itself was: once it was started as 'dotnet supervise', which fails at
/// once. The in-process tests cannot see this: there the process is the test host.
/// </summary>
public sealed class SelfLaunchTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Launched_from_weave_dll_the_supervisor_is_dotnet_weave_dll_supervise()
    {
        var dll = Path.Combine(Repository.Root(), "src", "WeaveOrleans.Cli", "bin", Configuration(), "net10.0", "weave.dll");
        Assert.True(File.Exists(dll), $"{dll} is not built");
        var dotnet = Environment.ProcessPath!;
        Assert.Equal("dotnet", Path.GetFileNameWithoutExtension(dotnet));
        var argv = await SupervisorCommandLine(dotnet, [dll]);
        Assert.Equal([dotnet, dll, "supervise"], argv[..3]);
    }

    [SkippableFact]
    public async Task Launched_from_the_native_binary_the_supervisor_is_that_binary_supervise()
    {
        var native = await NativeWeave();
        var argv = await SupervisorCommandLine(native, []);
        Assert.Equal([native, "supervise"], argv[..2]);
    }

    /// <summary>Launches a daemon with <c>PROGRAM LEADING... launch</c>, returns its supervisor's argv, and stops it again with the same program.</summary>
    private static async Task<string[]> SupervisorCommandLine(string program, string[] leading)
    {
        var dir = Directory.CreateTempSubdirectory("weave-self-");
        string Port() => CliRunner.FreePort().ToString(CultureInfo.InvariantCulture);
        string[] common = ["--data-dir", dir.FullName, "--gateway-port", Port(), "--docker-endpoint", "none"];
        var environment = new Dictionary<string, string> { ["WEAVE_WEAVER"] = CliRunner.WeaverDll(), ["WEAVE_BRIDGE"] = TestDocker.NewBridge("wos") };
        var supervisorPidFile = Path.Combine(dir.FullName, "weave-supervisor.pid");
        try
        {
            var launch = await Run(program, [.. leading, "launch", .. common, "--ipalloc-range", "10.226.0.0/24", "--port", Port(),
                "--http-addr", "127.0.0.1:" + Port(), "--status-addr", "off", "--dashboard-addr", "off", "--silo-port", Port()], environment);
            Assert.True(launch.Code == 0, $"launch failed ({launch.Code}): {launch.Err}{launch.Out}");
            var supervisor = int.Parse(File.ReadAllText(supervisorPidFile).Trim(), CultureInfo.InvariantCulture);
            var argv = File.ReadAllText($"/proc/{supervisor}/cmdline").TrimEnd('\0').Split('\0');

            var stop = await Run(program, [.. leading, "stop", .. common], environment);
            Assert.True(stop.Code == 0, $"stop failed ({stop.Code}): {stop.Err}");
            Assert.False(File.Exists($"/proc/{supervisor}/cmdline") && File.ReadAllText($"/proc/{supervisor}/cmdline").Contains("supervise", StringComparison.Ordinal),
                "weave stop left the supervisor running");
            return argv;
        }
        finally
        {
            foreach (var file in new[] { supervisorPidFile, Path.Combine(dir.FullName, "weaver.pid") })
                if (File.Exists(file) && int.TryParse(File.ReadAllText(file).Trim(), out var pid))
                    try { using var p = Process.GetProcessById(pid); p.Kill(entireProcessTree: true); }
                    catch (Exception e) when (e is ArgumentException or InvalidOperationException) { }
            dir.Delete(recursive: true);
        }
    }

    /// <summary>
    /// The native CLI, built by scripts/build-weave when it is missing or older than a source under src/. Not
    /// compared with this build's weave.dll: CI builds the native CLI first, and a rebuild here would replace
    /// the binary while other suites run it.
    /// </summary>
    private static async Task<string> NativeWeave()
    {
        var root = Repository.Root();
        var native = Path.Combine(root, "src", "WeaveOrleans.Cli", "bin", "native", "weave");
        var newestSource = Directory.EnumerateFiles(Path.Combine(root, "src"), "*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".cs", StringComparison.Ordinal) || f.EndsWith(".csproj", StringComparison.Ordinal))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Max(File.GetLastWriteTimeUtc);
        var stale = !File.Exists(native) || File.GetLastWriteTimeUtc(native) < newestSource;
        if (stale)
        {
            var build = await Run(Path.Combine(root, "scripts", "build-weave"), ["--force"], new Dictionary<string, string>(), TimeSpan.FromMinutes(10));
            Skip.If(build.Code != 0, $"the native CLI cannot be built here: {build.Err.Trim().Split('\n')[^1]}");
        }
        return native;
    }

    private static string Configuration() =>
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";

    private static async Task<(int Code, string Out, string Err)> Run(string program, string[] args, Dictionary<string, string> environment, TimeSpan? timeout = null)
    {
        var result = await ChildProcess.Run(program, args, timeout ?? Deadline, environment: environment.Select(kv => KeyValuePair.Create(kv.Key, (string?)kv.Value)));
        return (result.ExitCode, result.Stdout, result.Stderr);
    }
}
