namespace WeaveOrleans.Cni;

/// <summary>The CNI specification versions this plugin speaks, and what each allows.</summary>
internal static class CniVersions
{
    public const string Latest = "1.1.0";

    /// <summary>0.3.0 and 0.3.1 share the result format of 0.4.0 (with <c>ips[].version</c>); 1.0.0 dropped that field.</summary>
    public static readonly string[] Supported = ["0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0"];

    public static bool IsSupported(string version) => Array.IndexOf(Supported, version) >= 0;

    /// <summary>Results before 1.0.0 carry <c>"version": "4"</c> on each IP.</summary>
    public static bool ResultNamesIpVersion(string version) => version.StartsWith("0.", StringComparison.Ordinal);

    /// <summary>CHECK came with 0.4.0.</summary>
    public static bool HasCheck(string version) => version is not ("0.3.0" or "0.3.1");

    /// <summary>GC and STATUS came with 1.1.0.</summary>
    public static bool HasGcAndStatus(string version) => version == "1.1.0";
}
