using WeaveOrleans.Ipam.Addresses;
using WeaveOrleans.Ipam.Peers;

namespace WeaveOrleans.Ipam.Allocation;

/// <summary>
/// How a request ended. Every command the engine takes (allocate, claim, prime, free, delete, rmpeer,
/// shutdown) is given a request id and answered this way, as a <see cref="Completion"/> in the effects,
/// whether at once or later: a driver has one way to wait for an answer.
/// </summary>
public abstract record Outcome
{
    private Outcome()
    {
    }

    /// <summary>
    /// Done; <paramref name="Address"/> for allocations, <paramref name="TakenOver"/> for rmpeer (how
    /// many addresses it took), <paramref name="Heir"/> for a shutdown (<see cref="PeerName.None"/>
    /// when nobody took the ranges). Values only: front-ends word them (Contract's IpamText).
    /// </summary>
    public sealed record Ok : Outcome
    {
        public Ok(Cidr? Address = null, UInt128? TakenOver = null, PeerName? Heir = null)
        {
            this.Address = Address;
            if (TakenOver is not null || Heir is not null)
                _removal = new Removal(TakenOver, Heir);
        }

        public Cidr? Address { get; }

        public UInt128? TakenOver => _removal?.TakenOver;

        public PeerName? Heir => _removal?.Heir;

        // rmpeer's and shutdown's values live apart, so the answer to an allocation (one per request)
        // carries only its address: 48 bytes less each.
        private readonly Removal? _removal;

        private sealed record Removal(UInt128? TakenOver, PeerName? Heir);
    }

    /// <summary>Refused, with the one-line reason a user sees.</summary>
    public sealed record Failed(string Message) : Outcome;

    /// <summary>Given up: the caller went away, the container died, or the peer is shutting down.</summary>
    public sealed record Cancelled(string Reason) : Outcome;
}

/// <summary>The answer to request <paramref name="RequestId"/>.</summary>
public readonly record struct Completion(long RequestId, Outcome Outcome);
