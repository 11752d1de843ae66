using System.Diagnostics;
using Docker.DotNet;

namespace WeaveOrleans.Docker.Tests.Support;

/// <summary>
/// The private Docker daemon the tests use: WEAVE_TEST_DOCKER holds its endpoint (unix://DIR/docker.sock,
/// as printed by scripts/docker-test-daemon start DIR). Unset: the Docker tests are skipped.
/// </summary>
public static class TestDocker
{
    public const string Image = "busybox:weave";

    public static string? Endpoint => Environment.GetEnvironmentVariable("WEAVE_TEST_DOCKER") is { Length: > 0 } e ? e : null;

    public static string Require()
    {
        Skip.If(Endpoint is null, "WEAVE_TEST_DOCKER is not set (start a daemon with scripts/docker-test-daemon)");
        Skip.IfNot(OperatingSystem.IsLinux() && Environment.IsPrivilegedProcess, "needs Linux and root");
        return Endpoint!;
    }

    public static void RequireRoot() =>
        Skip.IfNot(OperatingSystem.IsLinux() && Environment.IsPrivilegedProcess, "needs Linux and root");

    public static DockerClient Client(string endpoint) => new DockerClientConfiguration(new Uri(endpoint)).CreateClient();

    public static DockerBridgeOptions Options(string endpoint) => new() { Endpoint = endpoint };

    public static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "WeaveOrleans.sln")))
            dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("repository root (WeaveOrleans.sln) not found");
    }

    /// <summary>Runs a program with an argument list; returns exit code and output.</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> Run(string file, IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string>? environment = null, double timeoutSeconds = 120)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in arguments) start.ArgumentList.Add(a);
        if (environment is not null)
            foreach (var (k, v) in environment) start.Environment[k] = v;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(timeoutSeconds));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', start.ArgumentList)} did not finish in {timeoutSeconds} s");
        }
        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>The docker CLI against <paramref name="endpoint"/>.</summary>
    public static Task<(int ExitCode, string Stdout, string Stderr)> Cli(string endpoint, params string[] arguments) =>
        Run("docker", arguments, new Dictionary<string, string> { ["DOCKER_HOST"] = endpoint });
}
