namespace WeaveOrleans.Storage;

/// <summary>
/// Durable home of one IPAM engine per host: its snapshot as keyed parts plus one row per ident, so
/// that a change writes only the parts and rows it touches. A completed <see cref="CommitAsync"/>
/// means the change survives a crash of the process or the machine.
/// </summary>
public interface IAllocatorStore
{
    /// <summary>Returns null when nothing was ever stored for the host (or it was deleted).</summary>
    Task<StoredState?> LoadAsync(string hostKey, CancellationToken cancellationToken);

    /// <summary>Applies every part and row change in one transaction: all or nothing.</summary>
    Task CommitAsync(string hostKey, StateChange change, CancellationToken cancellationToken);

    /// <summary>Forgets the host entirely (weave reset).</summary>
    Task DeleteAsync(string hostKey, CancellationToken cancellationToken);
}
