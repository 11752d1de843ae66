namespace WeaveOrleans.Ipam.Rings;

/// <summary>
/// What a merge did: whether the local ring changed, or why the received ring was refused.
/// <paramref name="Joined"/>: this peer then joined adjacent tokens of its own, a change of its own
/// that has to go round like any other (see RingSpace.Merge).
/// </summary>
public readonly record struct RingMergeResult(bool Updated, RingMergeError? Error, bool Joined = false)
{
    public bool IsError => Error is not null;

    public static RingMergeResult Fail(RingMergeErrorKind kind, string message) => new(false, new RingMergeError(kind, message));
}
