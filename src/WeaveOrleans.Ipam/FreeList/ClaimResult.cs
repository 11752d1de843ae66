namespace WeaveOrleans.Ipam.FreeList;

/// <summary>Why a claim for one particular address did or did not succeed; all three are expected outcomes.</summary>
public enum ClaimResult
{
    Claimed,
    NotOwned,
    AlreadyAllocated,
    /// <summary>Owned, but held back (taken over with rmpeer and not yet confirmed by the other peers).</summary>
    Held,
}
