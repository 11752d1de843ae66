namespace WeaveOrleans.Docker;

/// <summary>Where <see cref="AddressReclaim"/> looks for addresses in use.</summary>
public sealed class AddressReclaimOptions
{
    /// <summary>The weave bridge: its own addresses and the containers attached to it.</summary>
    public string Bridge { get; set; } = Network.NetworkAttacher.DefaultBridge;

    /// <summary>First wait before asking an unreachable Docker again.</summary>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Upper bound of the wait between attempts.</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(10);
}
