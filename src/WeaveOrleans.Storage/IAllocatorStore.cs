namespace WeaveOrleans.Storage;

/// <summary>
/// Durable home of one IPAM engine per host: a rarely rewritten snapshot plus one row per ident.
/// A completed <see cref="CommitAsync"/> means the change survives a crash of the process or the machine.
/// </summary>
public interface IAllocatorStore
{
    /// <summary>Returns null when nothing was ever stored for the host (or it was deleted).</summary>
    Task<StoredState?> LoadAsync(string hostKey, CancellationToken cancellationToken);

    /// <summary>Applies the snapshot (if any) and every row change in one transaction: all or nothing.</summary>
    Task CommitAsync(string hostKey, StateChange change, CancellationToken cancellationToken);

    /// <summary>Forgets the host entirely (weave reset).</summary>
    Task DeleteAsync(string hostKey, CancellationToken cancellationToken);
}
