using WeaveOrleans.TestSupport;

namespace WeaveOrleans.Cni.Tests;

/// <summary>Runs a program to completion with a deadline (<see cref="ChildProcess"/>), with no CNI_* variable of the test's own.</summary>
internal static class ProcessRun
{
    public static async Task<ChildResult> Run(string file, IEnumerable<string> args, string? stdin = null,
        IReadOnlyDictionary<string, string?>? environment = null, TimeSpan? timeout = null)
    {
        // The plugin reads its invocation from CNI_* alone: none may leak in from the test's own environment.
        var inherited = Environment.GetEnvironmentVariables().Keys.Cast<string>()
            .Where(k => k.StartsWith("CNI_", StringComparison.Ordinal))
            .Select(k => KeyValuePair.Create(k, (string?)null));
        return await ChildProcess.Run(file, args, timeout ?? TimeSpan.FromSeconds(60), stdin ?? "", [.. inherited, .. environment ?? new Dictionary<string, string?>()]);
    }

    /// <summary>Runs and insists on exit code 0.</summary>
    public static async Task<string> Ok(string file, params string[] args)
    {
        var result = await Run(file, args);
        Assert.True(result.ExitCode == 0, $"{file} {string.Join(' ', args)}: {result}");
        return result.Stdout;
    }
}
