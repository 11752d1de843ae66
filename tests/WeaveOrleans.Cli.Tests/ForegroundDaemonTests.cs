using System.Diagnostics;
using System.Globalization;

namespace WeaveOrleans.Cli.Tests;

/// <summary>
/// The README's first command, <c>scripts/weaver</c> in the foreground with ports of its own and a
/// name given with <c>--name</c>: every CLI command finds it from the data directory alone, and
/// <c>weave stop</c> stops it.
/// </summary>
public sealed class ForegroundDaemonTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("weave-fg-");
    private Process? _daemon;

    [Fact]
    public async Task A_daemon_started_by_hand_with_a_name_is_found_and_stopped_through_its_data_directory()
    {
        const string name = "7e:00:00:00:5f:01";
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = _dir.FullName };
        string P() => CliRunner.FreePort().ToString(CultureInfo.InvariantCulture);
        foreach (var arg in new[]
        {
            CliRunner.WeaverDll(), "--data-dir", _dir.FullName, "--name", name, "--nickname", "by-hand",
            "--port", P(), "--host", "127.0.0.1", "--http-addr", "127.0.0.1:" + P(), "--status-addr", "127.0.0.1:" + P(),
            "--dashboard-addr", "127.0.0.1:" + P(), "--silo-port", P(), "--gateway-port", P(),
            "--ipalloc-range", "10.249.0.0/24", "--ipalloc-init", "consensus=1", "--docker-endpoint", "none",
        })
            start.ArgumentList.Add(arg);
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("WEAVE_", StringComparison.OrdinalIgnoreCase)).ToList())
            start.Environment.Remove(key);
        _daemon = Process.Start(start)!;
        _daemon.BeginOutputReadLine();
        _daemon.BeginErrorReadLine();

        // No port given to the CLI: only the data directory.
        var cli = new CliRunner();
        (int Code, string Out, string Err) status = default;
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(60) && !_daemon.HasExited)
        {
            status = await cli.Run("status", "--data-dir", _dir.FullName);
            if (status.Code == 0)
                break;
            await Task.Delay(100);
        }
        Assert.True(status.Code == 0, $"weave status never found the daemon: {status.Err}");
        Assert.Contains($"Name: {name}(by-hand)", status.Out, StringComparison.Ordinal);
        Assert.Equal(name, File.ReadAllText(Path.Combine(_dir.FullName, "peername")).Trim());
        Assert.Equal(_daemon.Id.ToString(CultureInfo.InvariantCulture), File.ReadAllText(Path.Combine(_dir.FullName, "weaver.pid")).Trim());

        var run = await cli.Run("prime", "--data-dir", _dir.FullName);
        Assert.True(run.Code == 0, run.Err);
        Assert.Contains(name, (await cli.Run("status", "ipam", "--data-dir", _dir.FullName)).Out, StringComparison.Ordinal);

        var stop = await cli.Run("stop", "--data-dir", _dir.FullName);
        Assert.True(stop.Code == 0, stop.Err);
        Assert.True(_daemon.WaitForExit(30_000), "weave stop did not stop the foreground daemon");
        Assert.Equal(0, _daemon.ExitCode);
        Assert.False(File.Exists(Path.Combine(_dir.FullName, "weaver.pid")), "the PID file outlived the daemon");
        Assert.False(File.Exists(Path.Combine(_dir.FullName, "weave.sock")), "the socket outlived the daemon");
        var after = await cli.Run("status", "--data-dir", _dir.FullName);
        Assert.Equal(1, after.Code);
        Assert.Contains(_dir.FullName, after.Err, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        if (_daemon is { HasExited: false })
        {
            _daemon.Kill(entireProcessTree: true);
            _daemon.WaitForExit(10_000);
        }
        _daemon?.Dispose();
        try
        {
            _dir.Delete(recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
