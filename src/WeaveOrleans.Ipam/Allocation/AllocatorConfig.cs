using WeaveOrleans.Ipam.Addresses;

namespace WeaveOrleans.Ipam.Allocation;

/// <summary>What a peer is launched with. Defaults are Weave's.</summary>
public sealed record AllocatorConfig(Cidr Range, InitMode Init)
{
    /// <summary>Where requests that name no subnet allocate; the whole range unless set.</summary>
    public Cidr DefaultSubnet { get; init; } = Range;

    /// <summary>How long a dead container keeps its addresses, so that a restart gets them back.</summary>
    public TimeSpan ContainerDeathGrace { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How often pending work is retried and dead containers are swept.</summary>
    public TimeSpan TickInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a claim waits for a connected owner to hand the address over; the first tick after
    /// that fails it. A live owner answers in milliseconds: this is for one that is paused or whose
    /// replies are lost, until the transport notices it is gone.
    /// </summary>
    public TimeSpan ClaimAnswerTimeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Why this configuration cannot run, or null.</summary>
    public string? Problem()
    {
        if (!Range.IsSubnet)
            return $"--ipalloc-range {Range} has host bits set (did you mean {Range.Network}/{Range.PrefixLength}?)";
        if (Range.Size < Cidr.MinSubnetSize)
            return $"--ipalloc-range {Range} is too small: at least {Cidr.MinSubnetSize} addresses are needed";
        if (DefaultSubnet.SubnetProblem() is { } p)
            return $"--ipalloc-default-subnet: {p}";
        if (!Range.Range.Contains(DefaultSubnet.Range))
            return $"--ipalloc-default-subnet {DefaultSubnet} is not inside --ipalloc-range {Range}";
        return null;
    }
}
