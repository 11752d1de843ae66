namespace WeaveOrleans.Storage;

/// <summary>
/// Folds changes in arrival order into one: a later value for a part or an ident replaces an earlier
/// one, and a whole snapshot drops every part change before it, which is exactly what applying them
/// one by one would leave.
/// </summary>
internal sealed class MergedChange
{
    private readonly Dictionary<string, byte[]?> parts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, byte[]?> rows = new(StringComparer.Ordinal);
    private bool replacesSnapshot;

    public void Add(StateChange change)
    {
        if (change.ReplacesSnapshot)
        {
            parts.Clear();
            replacesSnapshot = true;
        }
        foreach (var (key, payload) in change.Parts)
        {
            parts[key] = payload;
        }
        foreach (var (ident, payload) in change.Rows)
        {
            rows[ident] = payload;
        }
    }

    public StateChange ToChange() => new(parts, rows, replacesSnapshot);
}
