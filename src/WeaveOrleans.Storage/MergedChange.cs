namespace WeaveOrleans.Storage;

/// <summary>
/// Folds changes in arrival order into one: a later value for an ident replaces an earlier one and the
/// newest snapshot replaces older ones, which is exactly what applying them one by one would leave.
/// </summary>
internal sealed class MergedChange
{
    private byte[]? snapshot;
    private readonly Dictionary<string, byte[]?> rows = new(StringComparer.Ordinal);

    public void Add(StateChange change)
    {
        if (change.NewSnapshot is not null)
        {
            snapshot = change.NewSnapshot;
        }
        foreach (var (ident, payload) in change.Rows)
        {
            rows[ident] = payload;
        }
    }

    public StateChange ToChange() => new(snapshot, rows);
}
