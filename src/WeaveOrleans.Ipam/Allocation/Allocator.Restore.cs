using System.Collections.Immutable;
using WeaveOrleans.Ipam.Consensus;
using WeaveOrleans.Ipam.FreeList;
using WeaveOrleans.Ipam.Ownership;
using WeaveOrleans.Ipam.Peers;
using WeaveOrleans.Ipam.Rings;

namespace WeaveOrleans.Ipam.Allocation;

public sealed partial class Allocator
{
    /// <summary>What must be persisted besides the per-ident rows.</summary>
    public AllocatorSnapshot Snapshot() =>
        new(Self,
            Nickname,
            Config.Range,
            Ring.IsEmpty ? null : Ring.ToData(),
            _bootstrap.State,
            _peers.ToImmutable(),
            _removals.ToImmutable(),
            RemovedFromNetwork,
            [.. _quarantine.Entries]);

    /// <summary>
    /// Rebuilds a peer from what it persisted. Data for another peer name or another range is dropped
    /// (with a log line, and the rows marked for deletion); otherwise the peer continues exactly where
    /// it stopped, and persisted data wins over a seed given at launch.
    /// </summary>
    public static Allocator Restore(
        AllocatorConfig config, PeerName self, string nickname, Random random,
        AllocatorSnapshot? snapshot, IReadOnlyDictionary<string, OwnedAddresses> owned)
    {
        var allocator = new Allocator(config, self, nickname, random, startFresh: false);
        var problem = snapshot switch
        {
            null => owned.Count > 0 ? "No valid persisted data" : null,
            _ when snapshot.Self != self => $"Deleting persisted data for peername {snapshot.Self}",
            _ when snapshot.Range != config.Range =>
                $"Deleting persisted data for IPAM range {snapshot.Range}: this peer was launched with --ipalloc-range {config.Range}",
            _ => null,
        };
        if (snapshot is null || problem is not null)
        {
            if (problem is not null)
                allocator.Log(LogLevel.Warning, problem);
            allocator._idents.ForgetStored(owned.Keys);
            allocator.StartParticipant();
            return allocator;
        }
        allocator.RestoreFrom(snapshot, owned);
        return allocator;
    }

    private void RestoreFrom(AllocatorSnapshot snapshot, IReadOnlyDictionary<string, OwnedAddresses> owned)
    {
        _peers.Restore(snapshot.Nicknames);
        _removals.Restore(snapshot.Removed, snapshot.RemovedFromNetwork);

        if (snapshot.Ring is { IsEmpty: false } ringData)
        {
            Ownership = RingSpace.Restore(Ring.Restore(Self, ringData));
            RestoreQuarantine(snapshot.Quarantine.IsDefault ? [] : snapshot.Quarantine);
            if (Config.Init is InitMode.BySeed)
                Log(LogLevel.Info, "Found persisted IPAM data, ignoring supplied IPAM seed");
        }
        else
        {
            _bootstrap = new RingBootstrap(Self, Config.Init, snapshot.Paxos ?? PaxosState.Empty);
            if (Config.Init is InitMode.BySeed seed)
                CreateRing(seed.Seeds, announce: false);
        }

        foreach (var (ident, record) in owned)
        {
            _idents.Restore(ident, record);
            foreach (var cidr in record.Cidrs)
            {
                if (!Universe.Contains(cidr.Address) || Ring.IsEmpty || Ring.Owner(cidr.Address) != Self)
                    continue;
                if (Ownership.Space.Claim(cidr.Address) != ClaimResult.Claimed)
                    Log(LogLevel.Error, $"Persisted address {cidr} of {ident} could not be restored into the free list");
            }
        }
    }
}
