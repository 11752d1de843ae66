namespace WeaveOrleans.Storage;

/// <summary>
/// A write refused because an earlier one for the same host failed: written on top of the lost one it
/// could leave state on disk that was never whole. The host's owner starts again from what is durable.
/// </summary>
public sealed class StorageLatchedException(string hostKey, Exception failure)
    : IOException($"an earlier write for {hostKey} failed ({failure.Message}); nothing more is written until it loads again", failure);
