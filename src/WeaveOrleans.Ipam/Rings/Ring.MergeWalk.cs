using System.Collections.Immutable;
using WeaveOrleans.Ipam.Addresses;

namespace WeaveOrleans.Ipam.Rings;

public sealed partial class Ring
{
    /// <summary>The step-by-step walk of a merge over both sorted entry lists, building a new slot list.</summary>
    private sealed class MergeWalk(Ring ring, Func<AddressRange, bool> hasAllocations, ulong stamp)
    {
        private readonly List<Slot> _local = ring._slots;

        public List<Slot> Result { get; } = new(ring._slots.Count);

        public bool Updated { get; private set; }

        public ulong Stamp => stamp;

        public RingMergeError? Run(ImmutableArray<RingEntry> theirs)
        {
            int i = 0, j = 0;
            while (i < _local.Count || j < theirs.Length)
            {
                if (j == theirs.Length || (i < _local.Count && _local[i].Entry.Token < theirs[j].Token))
                {
                    Result.Add(_local[i++]);
                    continue;
                }
                if (i == _local.Count || theirs[j].Token < _local[i].Entry.Token)
                {
                    if (InsertTheirs(i, theirs[j]) is { } error)
                        return error;
                    j++;
                    continue;
                }
                if (MergeSameToken(i, theirs[j]) is { } conflict)
                    return conflict;
                i++;
                j++;
            }
            return null;
        }

        /// <summary>A token this peer has never seen. If it splits one of this peer's ranges, that part must be unused.</summary>
        private RingMergeError? InsertTheirs(int nextLocal, RingEntry theirs)
        {
            if (_local.Count > 0 && theirs.Peer != ring.Local)
            {
                var covering = nextLocal == 0 ? _local.Count - 1 : nextLocal - 1;
                if (_local[covering].Entry.Peer == ring.Local
                    && AllocatedBetween(theirs.Token, _local[nextLocal % _local.Count].Entry.Token))
                    return new(RingMergeErrorKind.EntryInMyRange,
                        $"Peer {theirs.Peer} says it owns the IP range from {theirs.Token}, which I think I own");
            }
            TakeTheirs(theirs);
            return null;
        }

        private RingMergeError? MergeSameToken(int i, RingEntry theirs)
        {
            var mine = _local[i].Entry;
            var local = ring.Local;
            var nextToken = _local[(i + 1) % _local.Count].Entry.Token;

            if (mine.Version > theirs.Version || (mine.Version == theirs.Version && mine.Peer == theirs.Peer))
            {
                Result.Add(_local[i]);
                return null;
            }

            if (mine.Version == theirs.Version)
            {
                // Two owners for one token at one version: only conflicting operations get here.
                if (mine.Peer == local && AllocatedBetween(mine.Token, nextToken))
                    return new(RingMergeErrorKind.Inconsistent,
                        $"Inconsistent entries for {mine.Token}: owned by {mine.Peer} but incoming message says {theirs.Peer}");
                // Never gain a range through a tie-break: its named owner may be using it.
                if (theirs.Peer != local && TieBreakPrefersTheirs(mine, theirs))
                    TakeTheirs(theirs);
                else
                    Result.Add(_local[i]);
                return null;
            }

            // Theirs is newer.
            if (mine.Peer != local)
            {
                TakeTheirs(theirs);
                return null;
            }
            if (theirs.Peer == local)
            {
                // Someone holds a newer copy of our own entry (we restarted from older state): ours stands.
                Result.Add(new Slot(mine with { Version = theirs.Version + 1 }, stamp));
                Updated = true;
                return null;
            }
            if (!AllocatedBetween(mine.Token, nextToken))
            {
                TakeTheirs(theirs);
                return null;
            }
            return new(RingMergeErrorKind.TakenOver,
                $"Received update for IP range I own at {mine.Token} v{mine.Version}: incoming message says owner {theirs.Peer} v{theirs.Version}");
        }

        /// <summary>Deterministic so that every peer settles a conflict the same way: more free space, then the higher peer name.</summary>
        private static bool TieBreakPrefersTheirs(RingEntry mine, RingEntry theirs) =>
            theirs.Free != mine.Free ? theirs.Free > mine.Free : theirs.Peer > mine.Peer;

        private void TakeTheirs(RingEntry theirs)
        {
            Result.Add(new Slot(theirs, stamp));
            Updated = true;
        }

        private bool AllocatedBetween(Address from, Address to) => ring.SplitOverEnd(from, to).Any(hasAllocations);
    }
}
