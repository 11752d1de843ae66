using System.Globalization;

namespace WeaveOrleans.TestSupport;

/// <summary>
/// The private Docker engine the tests use: WEAVE_TEST_DOCKER holds its endpoint (unix://DIR/docker.sock, as
/// printed by scripts/docker-test-daemon start DIR, which also builds the image busybox:weave), and root for the
/// veths and bridges. Unset: the Docker tests are skipped.
/// </summary>
public static class TestDocker
{
    public const string Image = "busybox:weave";

    public static string? Endpoint => Environment.GetEnvironmentVariable("WEAVE_TEST_DOCKER") is { Length: > 0 } e ? e : null;

    /// <summary>Skips the test unless there is an engine and root; returns the engine's endpoint.</summary>
    public static string Require()
    {
        Skip.If(Endpoint is null, "WEAVE_TEST_DOCKER is not set (start a daemon with scripts/docker-test-daemon)");
        RequireRoot();
        return Endpoint!;
    }

    public static void RequireRoot() =>
        Skip.IfNot(OperatingSystem.IsLinux() && Environment.IsPrivilegedProcess, "needs Linux and root");

    /// <summary>A bridge name of our own, so that tests never touch a bridge they did not make.</summary>
    public static string NewBridge(string prefix) => prefix + Random.Shared.Next(0x10000).ToString("x4", CultureInfo.InvariantCulture);

    /// <summary>Runs <c>docker -H ENDPOINT ARGS</c>; returns the exit code and what it printed.</summary>
    public static Task<(int Code, string Out, string Err)> Docker(params string[] args) => Exec("docker", ["-H", Endpoint!, .. args]);

    /// <summary>Runs <c>docker -H ENDPOINT ARGS</c> and asserts it succeeded.</summary>
    public static async Task Ok(params string[] args)
    {
        var (code, _, err) = await Docker(args);
        Assert.True(code == 0, $"docker {string.Join(' ', args)}: {err}");
    }

    /// <summary>Runs a program with an argument list (no shell); returns the exit code and what it printed. Killed after two minutes.</summary>
    public static async Task<(int Code, string Out, string Err)> Exec(string program, params string[] args)
    {
        var result = await ChildProcess.Run(program, args, TimeSpan.FromMinutes(2));
        return (result.ExitCode, result.Stdout, result.Stderr);
    }
}
