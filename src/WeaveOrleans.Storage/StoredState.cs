namespace WeaveOrleans.Storage;

/// <summary>What a host left behind: its snapshot (null if only rows were ever written) and its rows by ident.</summary>
public sealed record StoredState(byte[]? Snapshot, IReadOnlyDictionary<string, byte[]> Rows);
