namespace WeaveOrleans.Ipam.Allocation;

/// <summary>
/// Containers that died, each with when: their addresses are released once the grace period has
/// passed, unless they start again first. Not persisted: after a restart the running list decides.
/// </summary>
internal sealed class DeadContainers
{
    private readonly Dictionary<string, TimeSpan> _diedAt = [];

    public IEnumerable<string> Ids => _diedAt.Keys;

    public void Died(string id, TimeSpan now) => _diedAt[id] = now;

    /// <summary>It is alive (again), or its addresses are gone anyway.</summary>
    public void Forget(string id)
    {
        // Every allocation forgets its ident: with nobody dead, that need not hash it.
        if (_diedAt.Count > 0)
            _diedAt.Remove(id);
    }

    public bool IsDead(string id) => _diedAt.ContainsKey(id);

    /// <summary>Those dead for longer than <paramref name="grace"/>, in the order they were recorded.</summary>
    public List<string> Expired(TimeSpan now, TimeSpan grace) =>
        [.. _diedAt.Where(kv => now - kv.Value > grace).Select(kv => kv.Key)];

    public void Clear() => _diedAt.Clear();
}
