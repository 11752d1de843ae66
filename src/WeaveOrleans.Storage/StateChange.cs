namespace WeaveOrleans.Storage;

/// <summary>
/// One durable step of the engine. <paramref name="NewSnapshot"/> null leaves the snapshot as it is;
/// a null row value deletes that ident.
/// </summary>
public sealed record StateChange(byte[]? NewSnapshot, IReadOnlyDictionary<string, byte[]?> Rows)
{
    private static readonly IReadOnlyDictionary<string, byte[]?> NoRows = new Dictionary<string, byte[]?>(StringComparer.Ordinal);

    public static StateChange Row(string ident, byte[]? payload) =>
        new(null, new Dictionary<string, byte[]?>(StringComparer.Ordinal) { [ident] = payload });

    public static StateChange Snapshot(byte[] snapshot) => new(snapshot, NoRows);

    public bool IsEmpty => NewSnapshot is null && Rows.Count == 0;
}
