using WeaveOrleans.Ipam.Addresses;
using WeaveOrleans.Ipam.Peers;

namespace WeaveOrleans.Ipam.Allocation;

/// <summary>A request that could not finish at once and waits for consensus, space or a peer's answer.</summary>
internal abstract class PendingOp(long requestId, string ident)
{
    public long RequestId { get; } = requestId;

    public string Ident { get; } = ident;

    /// <summary>Tries once more; true when the request has completed (either way).</summary>
    public abstract bool Try(Allocator allocator, TimeSpan now, bool tick);
}

/// <summary>Allocation waiting for space; remembers whom it asked so it neither floods nor asks a refuser again.</summary>
internal sealed class PendingAllocate(long requestId, string ident, Cidr subnet, bool isContainer) : PendingOp(requestId, ident)
{
    public Cidr Subnet { get; } = subnet;

    public bool IsContainer { get; } = isContainer;

    public PeerName? AskedPeer { get; set; }

    public TimeSpan AskedAt { get; set; }

    public HashSet<PeerName> DeniedBy { get; } = [];

    /// <summary>No reachable peer advertises space where this allocation needs it.</summary>
    public bool NoDonor { get; set; }

    public override bool Try(Allocator allocator, TimeSpan now, bool tick) => allocator.TryAllocate(this, now, tick);

    public override string ToString() => $"{Ident} {Subnet}";
}

/// <summary>Claim of one address, waiting for the ring or for its owner to hand it over.</summary>
internal sealed class PendingClaim(long requestId, string ident, Cidr address, bool isContainer, bool noErrorOnUnknown) : PendingOp(requestId, ident)
{
    public Cidr Address { get; } = address;

    public bool IsContainer { get; } = isContainer;

    public bool NoErrorOnUnknown { get; } = noErrorOnUnknown;

    /// <summary>Already answered (noErrorOnUnknown): keep trying, but tell nobody.</summary>
    public bool Answered { get; set; }

    /// <summary>When the owner was first asked; the request is repeated on every tick until it answers.</summary>
    public TimeSpan FirstAskedAt { get; set; }

    public TimeSpan AskedAt { get; set; } = TimeSpan.MinValue;

    public override bool Try(Allocator allocator, TimeSpan now, bool tick) => allocator.TryClaim(this, now, tick);
}

/// <summary>Waits for the ring to exist.</summary>
internal sealed class PendingPrime(long requestId) : PendingOp(requestId, "")
{
    public override bool Try(Allocator allocator, TimeSpan now, bool tick) => allocator.TryPrime(this);
}
