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
        var op = new PendingAllocate(requestId, ident, cidr, isContainer);
        if (!TryAllocate(op, now, tick: false))
            _pending.Add(op);
    }

    internal bool TryAllocate(PendingAllocate op, TimeSpan now, bool tick)
    {
        if (_idents.FindIn(op.Ident, op.Subnet) is { } existing)
        {
            _dead.Forget(op.Ident);
            Complete(op.RequestId, new Outcome.Ok(existing));
            return true;
        }
        EstablishRing(now);
        if (Ring.IsEmpty)
            return false;
        var within = op.Subnet.HostRange.Intersect(Universe);
        if (Fire(FaultPoint.AskDespiteSpace))
            AskForSpace(op, op.Subnet.Range.Intersect(Universe), now, tick: true);
        if (Ownership.Space.TryAllocate(within, out var address))
        {
            var ident = op.Ident == Idents.NoContainer ? address.ToString() : op.Ident;
            var cidr = new Cidr(address, op.Subnet.PrefixLength);
            Record(ident, cidr, op.IsContainer);
            _dead.Forget(ident);
            Complete(op.RequestId, new Outcome.Ok(cidr));
            return true;
        }
        AskForSpace(op, op.Subnet.Range.Intersect(Universe), now, tick);
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
