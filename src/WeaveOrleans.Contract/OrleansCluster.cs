namespace WeaveOrleans.Contract;

/// <summary>
/// How a daemon's single-silo Orleans cluster is named: the same service everywhere, and a cluster of
/// its own per peer, so that two daemons on one host (or their clients) can never join each other.
/// </summary>
public static class OrleansCluster
{
    public const string ServiceId = "weave-orleans";

    /// <summary>"weave-" and the peer name without its colons: <c>weave-02aabbccddee</c>.</summary>
    public static string ClusterId(string peerName) => "weave-" + peerName.Replace(":", "", StringComparison.Ordinal);
}
