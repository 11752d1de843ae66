namespace WeaveOrleans.Ipam.Allocation.Holdings;

/// <summary>
/// The idents whose rows changed since the driver last took them. Between two takes there is usually
/// one (a driver takes the effects after every request), which is kept without hashing it; a set
/// takes over from the second distinct one.
/// </summary>
internal sealed class ChangedIdents
{
    private readonly HashSet<string> _many = new(StringComparer.Ordinal);
    private string? _one;

    public bool IsEmpty => _one is null && _many.Count == 0;

    /// <summary>The only changed ident, when exactly one changed; else null.</summary>
    public string? Single => _one;

    public IEnumerable<string> All => _one is null ? _many : [_one];

    public void Mark(string ident)
    {
        if (_one is null && _many.Count == 0)
            _one = ident;
        else if (_one is null)
            _many.Add(ident);
        else if (!string.Equals(_one, ident, StringComparison.Ordinal))
        {
            _many.Add(_one);
            _many.Add(ident);
            _one = null;
        }
    }

    public void Clear()
    {
        _one = null;
        _many.Clear();
    }
}
