namespace WeaveOrleans.Ipam.Rings;

/// <summary>What a merge did: whether the local ring changed, or why the received ring was refused.</summary>
public readonly record struct RingMergeResult(bool Updated, RingMergeError? Error)
{
    public bool IsError => Error is not null;

    public static RingMergeResult Fail(RingMergeErrorKind kind, string message) => new(false, new RingMergeError(kind, message));
}
