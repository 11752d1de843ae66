using WeaveOrleans.Ipam.Addresses;
using WeaveOrleans.Ipam.Allocation;

namespace WeaveOrleans.Simulation;

public sealed partial class SimulationRun
{
    /// <summary>One step: mostly deliveries and workload, sometimes a fault.</summary>
    private void Act()
    {
        var roll = _random.Next(100);
        switch (roll)
        {
            case < 35: Deliver(_random.Next(1, 8)); break;
            case < 50: Allocate(); break;
            case < 55: Claim(); break;
            case < 60: Release(); break;
            case < 66: ContainerLifecycle(); break;
            case < 74: Tick(); break;
            case < 76: JumpClock(); break;
            case < 83: PartitionOrHeal(); break;
            case < 88: CrashOrRestart(); break;
            case < 91: RemoveDeadPeer(); break;
            case < 92: Reset(); break;
            case < 93: if (_net.Peers.Count < _options.MaxPeers + 2) AddPeer(observer: true); break;
            default: Deliver(1); break;
        }
    }

    private void Deliver(int count)
    {
        for (var i = 0; i < count && _net.Step(); i++)
        {
        }
    }

    private Cidr RandomSubnet()
    {
        if (_random.Next(3) > 0)
            return Universe;
        var prefix = Math.Min(Universe.PrefixLength + _random.Next(1, 4), 30);
        var size = UInt128.One << (32 - prefix);
        var blocks = (int)(Universe.Size / size);
        return new Cidr(Universe.Network + size * (UInt128)_random.Next(blocks), prefix);
    }

    private void Allocate()
    {
        if (PickServing() is not { } peer)
            return;
        var containers = _running[peer];
        var ident = containers.Count > 0 && _random.Next(4) == 0 ? Pick(containers.ToList()) : $"c{++_nextContainer}";
        var subnet = RandomSubnet();
        containers.Add(ident);
        _net.Note($"{peer.Nickname}: allocate {ident} in {subnet}");
        _net.Allocate(peer, ident, subnet.ToString());
    }

    private void Claim()
    {
        if (PickServing() is not { } peer)
            return;
        var ident = $"c{++_nextContainer}";
        Cidr address;
        if (_random.Next(4) == 0)
            address = Cidr.Parse($"192.168.{_random.Next(0, 4)}.{_random.Next(1, 20)}/24");
        else
        {
            var offset = 1 + (UInt128)_random.NextInt64((long)(Universe.Size - 2));
            address = new Cidr(Universe.Network + offset, Universe.PrefixLength);
        }
        _running[peer].Add(ident);
        _net.Note($"{peer.Nickname}: claim {address} for {ident}");
        _net.Claim(peer, ident, address.ToString());
    }

    private void Release()
    {
        if (PickServing() is not { } peer || peer.Allocator.Owned.Count == 0)
            return;
        var (ident, owned) = Pick(peer.Allocator.Owned.ToList());
        if (_random.Next(2) == 0)
        {
            _net.Note($"{peer.Nickname}: delete {ident}");
            _net.Request(peer, (a, id) => a.Delete(id, ident));
        }
        else
        {
            var address = Pick(owned.Cidrs).Address;
            _net.Note($"{peer.Nickname}: free {address} of {ident}");
            _net.Request(peer, (a, id) => a.Free(id, ident, address));
        }
    }

    private void ContainerLifecycle()
    {
        if (PickServing() is not { } peer || _running[peer].Count == 0)
            return;
        var id = Pick(_running[peer].ToList());
        switch (_random.Next(3))
        {
            case 0:
                _net.Note($"{peer.Nickname}: container {id} died");
                _net.Do(peer, a => { a.ContainerDied(id, _net.Now); return 0; });
                break;
            case 1:
                _net.Note($"{peer.Nickname}: container {id} started again");
                _net.Do(peer, a => { a.ContainerStarted(id); return 0; });
                break;
            default:
                _net.Note($"{peer.Nickname}: container {id} destroyed");
                _running[peer].Remove(id);
                _net.Do(peer, a => { a.ContainerDestroyed(id); return 0; });
                break;
        }
    }

    private void Tick()
    {
        _net.Note("tick");
        TickWithoutSettling(TimeSpan.FromSeconds(5));
    }

    private void JumpClock()
    {
        var by = TimeSpan.FromSeconds(_random.Next(30, 600));
        Count("clock jump");
        _net.Note($"clock jumps {by.TotalSeconds}s");
        TickWithoutSettling(by);
    }

    /// <summary>A tick on every peer plus periodic gossip, leaving the messages in flight for the faults to play with.</summary>
    private void TickWithoutSettling(TimeSpan by)
    {
        _net.AdvanceClock(by);
        foreach (var peer in Up.ToList())
        {
            _net.Do(peer, a => { a.Tick(_net.Now); return 0; });
            if (_random.Next(2) == 0)
                _net.Do(peer, a => { a.GossipPeriodically(); return 0; });
        }
    }

    private void PartitionOrHeal()
    {
        var up = Up.ToList();
        if (up.Count < 2)
            return;
        switch (_random.Next(5))
        {
            case 0:
            {
                var side = up.Where(_ => _random.Next(2) == 0).ToArray();
                if (side.Length == 0 || side.Length == up.Count)
                    return;
                Count("partition");
                _net.Note($"partition [{string.Join(",", side.Select(p => p.Nickname))}] from the rest");
                _net.Partition(side);
                break;
            }
            case 1:
            {
                var lone = Pick(up);
                Count("isolate");
                _net.Note($"isolate {lone.Nickname}");
                _net.Partition(lone);
                break;
            }
            case 2:
            {
                var a = Pick(up);
                var b = Pick(up);
                if (a == b)
                    return;
                Count("cut link");
                _net.Note($"cut {a.Nickname}-{b.Nickname}");
                _net.Cut(a, b);
                break;
            }
            default:
                _net.Note("heal all links");
                _net.HealAll();
                break;
        }
    }

    private void CrashOrRestart()
    {
        var down = _net.Peers.Where(p => !p.Up && !_gone.Contains(p)).ToList();
        if (down.Count > 0 && _random.Next(2) == 0)
        {
            Restart(Pick(down));
            return;
        }
        var up = Up.Where(p => !p.Allocator.IsShuttingDown).ToList();
        if (up.Count <= 1)
            return;
        var victim = Pick(up);
        if (_random.Next(6) == 0)
        {
            // The disk is gone: the host comes back as a new peer; the old name is dead for good.
            Count("crash losing state");
            _net.Note($"crash {victim.Nickname} losing its state");
            _net.Crash(victim);
            _gone.Add(victim);
            // Weave's rule for peers added after the first launch: they join as observers, since
            // they are not counted in anyone's consensus=N.
            AddPeer(observer: true);
            return;
        }
        var before = victim.Allocator.Owned.ToDictionary(kv => kv.Key, kv => kv.Value.Cidrs.ToHashSet());
        if (_random.Next(5) == 0)
        {
            Count("reboot unnoticed");
            _net.Note($"reboot {victim.Nickname} before the others notice");
            victim.OwnedAtCrash = before;
            _net.Reboot(victim);
            Restarted(victim);
            return;
        }
        Count("crash");
        _net.Note($"crash {victim.Nickname}");
        _net.Crash(victim);
        victim.OwnedAtCrash = before;
    }

    private void Restart(SimPeer peer)
    {
        Count("restart");
        _net.Note($"restart {peer.Nickname}");
        _net.Restart(peer);
        Restarted(peer);
    }

    private void Restarted(SimPeer peer)
    {
        if (_removed.Contains(peer))
            _removedThenBack.Add(peer);
        CheckNothingAcknowledgedWasLost(peer);
        // Whether only the daemon died or the whole host did: in the second case its containers are gone.
        if (_random.Next(2) == 0)
            _running[peer].Clear();
        var running = _running[peer].ToHashSet();
        _net.Do(peer, a => a.PruneOwned(running));
    }

    private void RemoveDeadPeer()
    {
        var dead = _net.Peers.Where(p => !p.Up && !_removed.Contains(p)).ToList();
        if (dead.Count == 0 || PickServing() is not { } remover)
            return;
        // The documented discipline: rmpeer only from a peer that sees every other live peer, after
        // gossip has settled. Removing from inside a partition can take a range twice.
        if (Serving.Any(p => p != remover && !_net.Connected(p, remover)))
            return;
        _net.SettleReliably();
        var victim = Pick(dead);
        Count("rmpeer");
        _net.Note($"{remover.Nickname}: rmpeer {victim.Nickname}");
        var outcome = _net.Run(remover, (a, id) => a.RemovePeer(id, victim.Name.ToString(), _net.Now));
        if (outcome is Outcome.Ok)
            _removed.Add(victim);
        _net.Note($"  -> {outcome}");
    }

    private void Reset()
    {
        var leaving = PickServing();
        if (leaving is null || !Serving.Any(p => p != leaving && _net.Connected(p, leaving)))
            return;
        Count("reset");
        _net.Note($"{leaving.Nickname}: reset (leave the network)");
        var heir = _net.Shutdown(leaving);
        _net.Note($"  -> handed over to {heir}");
        // weave reset waits until its hand-over has reached the heir, then the peer is gone for good.
        _net.DeliverAllFrom(leaving);
        _net.Crash(leaving);
        _gone.Add(leaving);
    }
}
