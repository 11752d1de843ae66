namespace WeaveOrleans.EndToEnd.Tests;

/// <summary>The programs under test, built with the same configuration as these tests, and the repository's scripts.</summary>
internal static class Paths
{
    private static readonly string Root = FindRoot();
    private static readonly string Configuration =
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";

    public static string WeaveDll => Path.Combine(Root, "src", "WeaveOrleans.Cli", "bin", Configuration, "net10.0", "weave.dll");
    public static string WeaverDll => Path.Combine(Root, "src", "WeaveOrleans.Host", "bin", Configuration, "net10.0", "weaver.dll");
    public static string DockerTestDaemon => Path.Combine(Root, "scripts", "docker-test-daemon");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "WeaveOrleans.sln")))
                return dir.FullName;
        throw new InvalidOperationException("cannot find the source tree");
    }
}
