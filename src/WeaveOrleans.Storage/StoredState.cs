namespace WeaveOrleans.Storage;

/// <summary>What a host left behind: its snapshot parts and its rows, each by key.</summary>
public sealed record StoredState(IReadOnlyDictionary<string, byte[]> Parts, IReadOnlyDictionary<string, byte[]> Rows)
{
    /// <summary>
    /// The part under which a store hands back a snapshot written whole, as releases before the
    /// snapshot was stored in parts did (one blob per host); the next whole-snapshot write replaces it.
    /// </summary>
    public const string WholeSnapshotPart = "snapshot";
}
