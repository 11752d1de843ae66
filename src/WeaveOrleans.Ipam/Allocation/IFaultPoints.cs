namespace WeaveOrleans.Ipam.Allocation;

/// <summary>Rare branches the simulator can force (in the manner of FoundationDB's BUGGIFY).</summary>
public enum FaultPoint
{
    /// <summary>A donor answers "nothing to give" although it has space, so askers must try elsewhere.</summary>
    DenyDonation,
    /// <summary>A ring change is not relayed to neighbours; only periodic gossip carries it on.</summary>
    SkipRelay,
    /// <summary>An allocation asks a donor although it has free space of its own (a ring change may have raced it).</summary>
    AskDespiteSpace,
    /// <summary>The donor gives away the smallest usable block instead of the largest.</summary>
    DonateOneAddress,
}

/// <summary>
/// Lets a test switch rare branches on. The engine asks at each fault point; production passes none,
/// so the branches cost one null check.
/// </summary>
public interface IFaultPoints
{
    bool Fire(FaultPoint point);
}
