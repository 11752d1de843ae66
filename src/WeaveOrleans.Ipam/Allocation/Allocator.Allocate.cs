using WeaveOrleans.Ipam.Addresses;
using WeaveOrleans.Ipam.Peers;

namespace WeaveOrleans.Ipam.Allocation;

public sealed partial class Allocator
{
    /// <summary>
    /// An address for <paramref name="ident"/> in <paramref name="subnet"/> (the default subnet when
    /// null). Idempotent: an ident that already holds one there gets it again. Waits while there is no
    /// ring or no free space here; the answer comes as a completion for <paramref name="requestId"/>.
    /// </summary>
    public void Allocate(long requestId, string ident, Cidr? subnet, bool isContainer, TimeSpan now)
    {
        if (RefusedWhileStopped(requestId))
            return;
        var cidr = subnet ?? Config.DefaultSubnet;
        if (cidr.SubnetProblem() is { } problem)
        {
            Complete(requestId, new Outcome.Failed(problem));
            return;
        }
        if (!cidr.Range.Overlaps(Universe))
        {
            Complete(requestId, new Outcome.Failed($"range {cidr} out of bounds: {Config.Range}"));
            return;
        }
        if (!TryAllocate(requestId, ident, cidr, isContainer, null, now, tick: false, out var waiting))
            _pending.Add(waiting);
    }

    internal bool TryAllocate(PendingAllocate op, TimeSpan now, bool tick) =>
        TryAllocate(op.RequestId, op.Ident, op.Subnet, op.IsContainer, op, now, tick, out _);

    /// <summary>
    /// One attempt. The pending request is made only when the allocation has to wait (or a fault point
    /// asks for space anyway), so an allocation that completes at once allocates nothing but its answer.
    /// </summary>
    private bool TryAllocate(
        long requestId, string requested, Cidr subnet, bool isContainer, PendingAllocate? op, TimeSpan now, bool tick,
        out PendingAllocate waiting)
    {
        waiting = op!;
        if (_idents.FindIn(requested, subnet) is { } existing)
        {
            _dead.Forget(requested);
            Complete(requestId, new Outcome.Ok(existing));
            return true;
        }
        EstablishRing(now);
        if (Ring.IsEmpty)
        {
            waiting = op ?? new PendingAllocate(requestId, requested, subnet, isContainer);
            return false;
        }
        var within = subnet.HostRange.Intersect(Universe);
        if (Fire(FaultPoint.AskDespiteSpace))
        {
            waiting = op ??= new PendingAllocate(requestId, requested, subnet, isContainer);
            AskForSpace(op, subnet.Range.Intersect(Universe), now, tick: true);
        }
        if (Ownership.Space.TryAllocate(within, out var address))
        {
            var ident = requested == Idents.NoContainer ? address.ToString() : requested;
            var cidr = new Cidr(address, subnet.PrefixLength);
            Record(ident, cidr, isContainer);
            _dead.Forget(ident);
            Complete(requestId, new Outcome.Ok(cidr));
            return true;
        }
        waiting = op ??= new PendingAllocate(requestId, requested, subnet, isContainer);
        AskForSpace(op, subnet.Range.Intersect(Universe), now, tick);
        return false;
    }

    /// <summary>
    /// Asks for space in the whole subnet (so donations stay CIDR-aligned to it), one donor at a time, most promising first. A retry caused by a ring change waits for the
    /// answer already on its way; a tick asks again, since messages can be lost.
    /// </summary>
    private void AskForSpace(PendingAllocate op, AddressRange subnet, TimeSpan now, bool tick)
    {
        if (op.AskedPeer is not null && !tick)
            return;
        if (tick)
            op.DeniedBy.Clear();
        var donor = Ring.ChoosePeersToAskForSpace(subnet, _random)
            .Where(p => IsReachable(p) && !op.DeniedBy.Contains(p) && !_removals.IsRemoved(p))
            .Select(p => (PeerName?)p)
            .FirstOrDefault();
        op.NoDonor = donor is null;
        op.AskedPeer = donor;
        op.AskedAt = now;
        if (donor is { } peer)
            Send(peer, new SpaceRequest(subnet));
    }
}
