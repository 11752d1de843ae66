namespace WeaveOrleans.Cni.Tests;

/// <summary>
/// Where the tests find the plugin and the real clients: <c>WEAVE_TEST_CNI</c> names a CNI_PATH directory made by
/// <c>scripts/cni-test-tools DIR</c> (weave-ipam, Debian's reference plugins, cni-client). Skipped without it.
/// </summary>
internal static class CniTools
{
    public static string Dir()
    {
        var dir = Environment.GetEnvironmentVariable("WEAVE_TEST_CNI");
        Skip.If(string.IsNullOrEmpty(dir), "WEAVE_TEST_CNI is not set (scripts/cni-test-tools DIR builds the plugin and the clients there)");
        return dir!;
    }

    public static string Plugin => Path.Combine(Dir(), "weave-ipam");

    public static string Client => Path.Combine(Dir(), "cni-client");

    /// <summary>Network namespaces, bridges and podman need root.</summary>
    public static void RequireRoot() => Skip.IfNot(Environment.IsPrivilegedProcess, "needs root (network namespaces)");

    /// <summary>A name no other test or helper on this machine uses: PREFIX plus 8 hex digits (fits an interface name).</summary>
    public static string UniqueName(string prefix) => prefix + Guid.NewGuid().ToString("N")[..8];
}
