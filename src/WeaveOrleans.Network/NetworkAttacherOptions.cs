namespace WeaveOrleans.Network;

/// <summary>Where the network tools are; defaults find them on PATH and in the sbin directories.</summary>
public sealed class NetworkAttacherOptions
{
    /// <summary>iproute2's <c>ip</c>; null: looked up.</summary>
    public string? IpPath { get; set; }

    /// <summary>util-linux's <c>nsenter</c>; null: looked up.</summary>
    public string? NsenterPath { get; set; }

    /// <summary>Overrides the root check (tests only).</summary>
    public Func<bool>? IsPrivileged { get; set; }
}
