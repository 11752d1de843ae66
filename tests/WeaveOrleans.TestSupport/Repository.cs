namespace WeaveOrleans.TestSupport;

/// <summary>The checkout the tests run from, for the scripts and built binaries they start.</summary>
public static class Repository
{
    /// <summary>The directory holding WeaveOrleans.sln, found upwards from the test's binaries.</summary>
    public static string Root()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "WeaveOrleans.sln")))
            dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("repository root (WeaveOrleans.sln) not found above " + AppContext.BaseDirectory);
    }
}
