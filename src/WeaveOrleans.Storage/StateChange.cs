namespace WeaveOrleans.Storage;

/// <summary>
/// One durable step of the engine: the snapshot parts and the ident rows it changes, each by key; a
/// null value deletes that part or row. With <paramref name="ReplacesSnapshot"/> the parts given are
/// the whole snapshot, and every other part stored for the host (an old whole-snapshot record
/// included) goes in the same transaction.
/// </summary>
public sealed record StateChange(
    IReadOnlyDictionary<string, byte[]?> Parts,
    IReadOnlyDictionary<string, byte[]?> Rows,
    bool ReplacesSnapshot = false)
{
    private static readonly IReadOnlyDictionary<string, byte[]?> Nothing = new Dictionary<string, byte[]?>(StringComparer.Ordinal);

    public static StateChange Row(string ident, byte[]? payload) =>
        new(Nothing, new Dictionary<string, byte[]?>(StringComparer.Ordinal) { [ident] = payload });

    public static StateChange Part(string key, byte[]? payload) =>
        new(new Dictionary<string, byte[]?>(StringComparer.Ordinal) { [key] = payload }, Nothing);

    public bool IsEmpty => !ReplacesSnapshot && Parts.Count == 0 && Rows.Count == 0;

    /// <summary>Applies the change to a host's parts and rows held in memory, as a store applies it to its tables.</summary>
    public void ApplyTo(Dictionary<string, byte[]> parts, Dictionary<string, byte[]> rows)
    {
        if (ReplacesSnapshot)
            parts.Clear();
        Apply(parts, Parts);
        Apply(rows, Rows);
    }

    private static void Apply(Dictionary<string, byte[]> into, IReadOnlyDictionary<string, byte[]?> changes)
    {
        foreach (var (key, payload) in changes)
        {
            if (payload is null)
                into.Remove(key);
            else
                into[key] = payload;
        }
    }
}
