namespace WeaveOrleans.Storage;

/// <summary>
/// Exposes how many physical write transactions (each one a durable sync) a store has committed,
/// so group commit can be verified by counting instead of by timing.
/// </summary>
public interface ICountsTransactions
{
    long CommittedTransactions { get; }
}
