using System.Diagnostics;
using System.Globalization;

namespace WeaveOrleans.Cli.Tests;

/// <summary>
/// The Docker engine the tests may use: WEAVE_TEST_DOCKER (e.g. from scripts/docker-test-daemon, with
/// the image busybox:weave), and root for the veths and bridges.
/// </summary>
internal static class TestDocker
{
    public static string? Endpoint => Environment.GetEnvironmentVariable("WEAVE_TEST_DOCKER");

    public static void SkipUnlessAvailable()
    {
        Skip.If(string.IsNullOrEmpty(Endpoint), "WEAVE_TEST_DOCKER is not set");
        Skip.IfNot(Environment.IsPrivilegedProcess, "needs root");
    }

    /// <summary>A bridge name of our own, so that tests never touch a bridge they did not make.</summary>
    public static string NewBridge(string prefix) => prefix + Random.Shared.Next(0x10000).ToString("x4", CultureInfo.InvariantCulture);

    /// <summary>Runs <c>docker -H endpoint ARGS</c>; returns the exit code and what it printed.</summary>
    public static Task<(int Code, string Out, string Err)> Run(params string[] args) => Exec("docker", ["-H", Endpoint!, .. args]);

    /// <summary>Runs a program with an argument list; returns the exit code and what it printed.</summary>
    public static async Task<(int Code, string Out, string Err)> Exec(string program, params string[] args)
    {
        var psi = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEndAsync();
        var error = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        return (p.ExitCode, await output, await error);
    }

    public static async Task Ok(params string[] args)
    {
        var (code, _, err) = await Run(args);
        Assert.True(code == 0, $"docker {string.Join(' ', args)}: {err}");
    }
}
