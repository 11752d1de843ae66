using WeaveOrleans.Ipam.Addresses;
using WeaveOrleans.Ipam.Peers;

namespace WeaveOrleans.Ipam.Allocation;

public sealed partial class Allocator
{
    /// <summary>
    /// Records that <paramref name="ident"/> uses exactly <paramref name="address"/> (an address with its
    /// prefix). Outside the range it is only recorded; inside, this peer must own it, so an address
    /// another peer owns is asked for. Only a claim made before the ring exists waits (as in Weave);
    /// one whose owner is unreachable fails at once, and one whose owner does not answer within
    /// <see cref="AllocatorConfig.ClaimAnswerTimeout"/> fails at the next tick, so a caller with a
    /// timeout hears why instead of hanging. With <paramref name="noErrorOnUnknown"/> a claim made
    /// before the ring exists is answered at once and carried out later.
    /// </summary>
    public void Claim(long requestId, string ident, Cidr address, bool isContainer, bool noErrorOnUnknown, TimeSpan now)
    {
        if (RefusedWhileStopped(requestId))
            return;
        var addr = address.Address;
        if (!Universe.Contains(addr))
        {
            ClaimOutsideRange(requestId, RecordIdent(ident, addr), address, isContainer);
            return;
        }
        var op = new PendingClaim(requestId, ident, address, isContainer, noErrorOnUnknown);
        if (!TryClaim(op, now, tick: false))
            _pending.Add(op);
    }

    private static string RecordIdent(string ident, Address address) =>
        ident == Idents.NoContainer ? address.ToString() : ident;

    private void ClaimOutsideRange(long requestId, string ident, Cidr address, bool isContainer)
    {
        if (_idents.TryGetHolder(address.Address, out var holder))
        {
            if (holder == ident)
            {
                Complete(requestId, new Outcome.Ok(address));
                return;
            }
            if (!_dead.IsDead(holder))
            {
                Complete(requestId, new Outcome.Failed($"address {address} already in use by {holder}"));
                return;
            }
            Unrecord(holder, address.Address);
        }
        Record(ident, address, isContainer);
        Complete(requestId, new Outcome.Ok(address));
    }

    internal bool TryClaim(PendingClaim op, TimeSpan now, bool tick)
    {
        EstablishRing(now);
        _dead.Forget(op.Ident);
        if (Ring.IsEmpty)
        {
            if (op.NoErrorOnUnknown && !op.Answered)
            {
                Complete(op.RequestId, new Outcome.Ok(op.Address));
                op.Answered = true;
            }
            return false;
        }
        var addr = op.Address.Address;
        var owner = Ring.Owner(addr);
        if (owner == Self)
        {
            // Held back after rmpeer: wait until the other peers confirm the range is ours.
            if (!_idents.Holds(addr) && Ownership.Space.IsHeld(addr))
                return false;
            Finish(op, ClaimOwnAddress(op));
            return true;
        }
        // Answering "ok" here, as Weave does with noErrorOnUnknown, could hand another peer's address
        // to a second container; failing is always safe and the caller can try again.
        if (!IsReachable(owner))
        {
            Finish(op, OwnerUnreachable(op, owner));
            return true;
        }
        if (op.AskedAt == TimeSpan.MinValue)
            op.FirstAskedAt = now;
        else if (tick && now - op.FirstAskedAt >= Config.ClaimAnswerTimeout)
        {
            Finish(op, new Outcome.Failed($"address {op.Address} is owned by other peer {NameOf(owner)}, which did not answer"));
            return true;
        }
        if (tick || op.AskedAt == TimeSpan.MinValue)
        {
            Send(owner, new SpaceRequest(new AddressRange(addr, addr + 1)));
            op.AskedAt = now;
        }
        return false;
    }

    private Outcome.Failed OwnerUnreachable(PendingClaim op, PeerName owner) =>
        new($"address {op.Address} is owned by other peer {NameOf(owner)}, which is unreachable");

    /// <summary>Claims waiting on a peer that just went away are answered now rather than at the next tick.</summary>
    private void FailClaimsOwnedBy(PeerName peer)
    {
        if (Ring.IsEmpty)
            return;
        foreach (var op in _pending.Claims.Where(c => Ring.Owner(c.Address.Address) == peer).ToList())
        {
            _pending.Remove(op);
            Finish(op, OwnerUnreachable(op, peer));
        }
    }

    private Outcome ClaimOwnAddress(PendingClaim op)
    {
        var addr = op.Address.Address;
        var ident = RecordIdent(op.Ident, addr);
        if (!_idents.TryGetHolder(addr, out var holder))
        {
            var result = Ownership.Space.Claim(addr);
            if (result != FreeList.ClaimResult.Claimed)
                return new Outcome.Failed($"address {op.Address} cannot be claimed: {result}");
            Record(ident, op.Address, op.IsContainer);
            return new Outcome.Ok(op.Address);
        }
        if (holder == ident || op.Ident == Idents.NoContainer)
            return new Outcome.Ok(op.Address);
        return IsIpString(holder)
            ? new Outcome.Failed($"address {op.Address} already in use")
            : new Outcome.Failed($"address {op.Address} is already owned by {holder}");
    }

    /// <summary>Answers a claim unless it was answered early (noErrorOnUnknown); then a failure is only logged.</summary>
    private void Finish(PendingClaim op, Outcome outcome)
    {
        if (!op.Answered)
            Complete(op.RequestId, outcome);
        else if (outcome is Outcome.Failed failed)
            Log(LogLevel.Warning, $"Claim of {op.Address} for {op.Ident} failed after it was acknowledged: {failed.Message}");
        op.Answered = true;
    }
}
