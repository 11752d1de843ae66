using System.Collections.Immutable;
using WeaveOrleans.Ipam.Addresses;
using WeaveOrleans.Ipam.Allocation;
using WeaveOrleans.Ipam.Peers;
using WeaveOrleans.Ipam.Rings;
using WeaveOrleans.Storage;
using Xunit.Abstractions;

namespace WeaveOrleans.Driver.Tests;

/// <summary>
/// Prints how many bytes the driver commits for one allocation, for the tick that advertises its new
/// free count, and for a one-entry ring delta from another peer, at several ring sizes (run with
/// --logger "console;verbosity=detailed" to see them). Sizes are reported, not asserted; what is
/// checked is that each step did what it is measured for.
/// </summary>
public sealed class PersistCostReport(ITestOutputHelper output)
{
    private static readonly Cidr Range = Cidr.ParseSubnet("10.32.0.0/12");

    [Theory]
    [InlineData(10)]
    [InlineData(100)]
    [InlineData(1000)]
    public async Task Bytes_committed_per_allocation_and_per_gossip_delta(int ringEntries)
    {
        var a = Peer.Restored(1, ringEntries);
        var b = Peer.Restored(2, ringEntries);
        var peers = new[] { a, b };
        a.Driver.Engine.PeerConnected(b.Name, TimeSpan.Zero);
        b.Driver.Engine.PeerConnected(a.Name, TimeSpan.Zero);
        for (var round = 0; round < 3; round++)
        {
            foreach (var p in peers)
                await p.Driver.GossipPeriodically();
            Deliver(peers);
        }
        foreach (var p in peers)
            p.Store.Commits.Clear();

        var allocated = await a.Driver.Request(id => a.Driver.Engine.Allocate(id, "c1", null, true, TimeSpan.Zero), CancellationToken.None);
        Assert.IsType<Outcome.Ok>(allocated);
        var allocation = Take(a.Store);
        Assert.Contains(allocation, c => c.Rows.ContainsKey("c1"));

        // The tick advertises the new free count; the next gossip carries it to b as a ring delta.
        await a.Driver.Tick(TimeSpan.FromSeconds(1));
        var tick = Take(a.Store);
        // Only the entry whose free count changed is written, not the ring.
        Assert.Equal(["entry/" + a.Driver.Engine.Ring.Entries.Single(e => e.Peer == a.Name).Token], tick.SelectMany(c => c.Parts.Keys));
        await a.Driver.GossipPeriodically();
        var toB = a.Outbox.Where(m => m.To == b.Name).ToList();
        Assert.True(toB.Any(m => m.Kind == "gossip-delta"), $"sent {string.Join(", ", toB.Select(m => m.Kind))}");
        Deliver(peers);
        var delta = Take(b.Store);
        Assert.Equal(a.Driver.Engine.Ring.Entries, b.Driver.Engine.Ring.Entries);
        Assert.Equal(tick.SelectMany(c => c.Parts.Keys), delta.SelectMany(c => c.Parts.Keys));
        Assert.DoesNotContain(tick.Concat(delta), c => c.ReplacesSnapshot);

        output.WriteLine($"ring of {ringEntries} entries: allocation {Size(allocation)}; " +
            $"the tick after it {Size(tick)}; the one-entry delta it sends, received {Size(delta)} " +
            $"(the message itself: {toB.Where(m => m.Kind == "gossip-delta").Max(m => m.Payload.Length)} B)");
    }

    private static List<StateChange> Take(ScriptedStore store)
    {
        var changes = store.Commits.Select(c => c.Change).ToList();
        store.Commits.Clear();
        return changes;
    }

    private static string Size(List<StateChange> changes) =>
        changes.Count == 0 ? "nothing" : string.Join(" + ", changes.Select(Size));

    /// <summary>Keys and records written, as a store receives them.</summary>
    private static string Size(StateChange change)
    {
        var parts = change.Parts.Sum(p => p.Key.Length + (p.Value?.Length ?? 0));
        var rows = change.Rows.Sum(r => r.Key.Length + (r.Value?.Length ?? 0));
        return $"{parts + rows} B" + (change.Parts.Count == 0 ? " (rows only)" : $" ({change.Parts.Count} snapshot part(s), {parts} B)");
    }

    private static void Deliver(Peer[] peers)
    {
        for (var pass = 0; pass < 10 && peers.Any(p => p.Outbox.Count > 0); pass++)
            foreach (var from in peers)
            {
                var outbox = from.Outbox.ToList();
                from.Outbox.Clear();
                foreach (var (to, payload, _) in outbox)
                    Assert.True(peers.Single(p => p.Name == to).Driver.Receive(from.Name, payload, TimeSpan.Zero, out var error), error);
            }
    }

    private sealed class Peer
    {
        private Peer(PeerName name, AllocatorSnapshot snapshot)
        {
            Name = name;
            var config = new AllocatorConfig(Range, new InitMode.ByConsensus(2));
            var engine = Allocator.Restore(config, name, snapshot.Nickname, new Random(1), snapshot, new Dictionary<string, OwnedAddresses>());
            Driver = new AllocatorDriver(engine, Store, name.ToString(), new DriverOutputs((to, payload, kind) => Outbox.Add((to, payload, kind)), _ => { }));
        }

        public PeerName Name { get; }

        public ScriptedStore Store { get; } = new() { Immediate = true };

        public List<(PeerName To, byte[] Payload, string Kind)> Outbox { get; } = [];

        public AllocatorDriver Driver { get; }

        /// <summary>A peer of a ring split evenly among <paramref name="entries"/> peers, one entry each.</summary>
        public static Peer Restored(ulong self, int entries)
        {
            var size = Range.Range.Size / (UInt128)entries;
            var names = Enumerable.Range(1, entries).Select(i => new PeerName((ulong)i << 8)).ToArray();
            var ring = new RingData(Range.Range, [names[0], names[1]],
                [.. names.Select((n, i) => new RingEntry(Range.Range.Start + (UInt128)i * size, n, 0, size))]);
            var nicknames = names.ToImmutableDictionary(n => n, n => $"host{n}");
            var name = names[(int)self - 1];
            return new Peer(name, new AllocatorSnapshot(name, $"host{name}", Range, ring, null, nicknames, ImmutableDictionary<PeerName, PeerName>.Empty, false));
        }
    }
}
