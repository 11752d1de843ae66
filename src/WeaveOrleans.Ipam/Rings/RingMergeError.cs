namespace WeaveOrleans.Ipam.Rings;

public enum RingMergeErrorKind
{
    /// <summary>The received ring breaks an invariant (unsorted, repeated or out-of-range token, too much free space).</summary>
    Invalid,
    /// <summary>The received ring was created from a different set of peers: another lineage, never to be merged.</summary>
    DifferentSeeds,
    /// <summary>The received ring covers a different address range.</summary>
    DifferentRange,
    /// <summary>Another peer claims part of a range this peer owns and has addresses in use in.</summary>
    EntryInMyRange,
    /// <summary>Two entries for one token with the same version but different content, in a range with addresses in use here.</summary>
    Inconsistent,
    /// <summary>A delta arrived before any whole ring: there is nothing for it to apply to.</summary>
    DeltaWithoutBase,
    /// <summary>A newer version of one of this peer's entries names another owner while addresses are in use here: the range was taken over (rmpeer) behind this peer's back.</summary>
    TakenOver,
}

/// <summary>Why a received ring was refused. The local ring is left exactly as it was.</summary>
public sealed record RingMergeError(RingMergeErrorKind Kind, string Message)
{
    public override string ToString() => Message;
}
