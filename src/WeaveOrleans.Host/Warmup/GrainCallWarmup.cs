using WeaveOrleans.Grains;
using WeaveOrleans.Ipam.Addresses;

namespace WeaveOrleans.Host.Warmup;

/// <summary>
/// One allocation request through the real host allocator grain that the engine refuses at once, run
/// once after start-up: a subnet outside the range. The first real allocation then finds the Orleans
/// call path of <c>Allocate</c> (the generated proxy and invokable, the grain's request and reply code)
/// compiled; on the first donation it was about 2.5 ms on the way in and 2 ms on the way out (issue 12).
/// </summary>
/// <remarks>
/// It changes nothing: a subnet that does not overlap the range is answered Failed before the engine
/// records, persists or sends anything (the same answer a client gets for it).
/// </remarks>
internal static class GrainCallWarmup
{
    private const string Ident = "weave-start-up-warm-up";

    /// <summary>True when the grain answered the refusal; false when every candidate subnet overlaps the range.</summary>
    public static async Task<bool> RunAsync(IGrainFactory grains, string hostKey, Cidr range, CancellationToken cancellation)
    {
        if (SubnetOutside(range) is not { } subnet)
            return false;
        var reply = await grains.GetGrain<IHostAllocatorGrain>(hostKey).Allocate(Ident, subnet, isContainer: false, cancellation);
        return reply.Kind == IpamReplyKind.Failed;
    }

    /// <summary>A smallest subnet at either end of the address space that <paramref name="range"/> does not overlap.</summary>
    internal static Cidr? SubnetOutside(Cidr range)
    {
        foreach (var text in new[] { "0.0.0.0/30", "255.255.255.252/30" })
        {
            var candidate = Cidr.ParseSubnet(text);
            if (!candidate.Range.Overlaps(range.Range))
                return candidate;
        }
        return null;
    }
}
