namespace WeaveOrleans.Cni;

/// <summary>A failure the plugin reports as a CNI error result: a spec error code and a one-line message.</summary>
internal sealed class CniException(int code, string message, string? details = null) : Exception(message)
{
    public int Code { get; } = code;

    public string? Details { get; } = details;
}

/// <summary>The error codes of the CNI specification (section 5, "Error") this plugin answers with.</summary>
internal static class CniErrorCode
{
    public const int IncompatibleVersion = 1;
    public const int InvalidEnvironment = 4;
    public const int IoFailure = 5;
    public const int DecodeFailure = 6;
    public const int InvalidConfig = 7;
    public const int TryAgainLater = 11;
    public const int NotAvailable = 50;

    /// <summary>Plugin-specific (100+): CHECK found that the daemon no longer holds the attachment's address.</summary>
    public const int AddressNotHeld = 100;

    /// <summary>Plugin-specific: the daemon refused the request (its own one-line reason follows).</summary>
    public const int DaemonRefused = 101;
}
