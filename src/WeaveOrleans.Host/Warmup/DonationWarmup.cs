using System.Collections.Concurrent;
using WeaveOrleans.Driver;
using WeaveOrleans.Grains;
using WeaveOrleans.Ipam.Addresses;
using WeaveOrleans.Ipam.Allocation;
using WeaveOrleans.Ipam.Peers;
using WeaveOrleans.Storage;

namespace WeaveOrleans.Host.Warmup;

/// <summary>
/// One donation between two throwaway engines in this process, run once after start-up: an owner
/// creates a ring (consensus of one) and an observer's first allocation asks it for space. The first
/// real donation then finds the engine's, the codec's and the driver's code compiled (about 260 methods
/// were compiled on the way of a cold one, issue 12) instead of paying for it while a peer waits.
/// </summary>
/// <remarks>
/// Nothing leaves the process and nothing is stored: the messages go from one driver to the other
/// through a queue, and commits go to a store that keeps nothing. Both drivers run on one exclusive
/// scheduler, which is the one logical thread a driver requires.
/// </remarks>
internal static class DonationWarmup
{
    private static readonly PeerName Owner = new(0x7e_ff_ff_ff_ff_01);
    private static readonly PeerName Asker = new(0x7e_ff_ff_ff_ff_02);

    /// <summary>True once the observer has an address that the owner donated.</summary>
    public static Task<bool> RunAsync(CancellationToken cancellation) =>
        Task.Factory.StartNew(() => Donate(cancellation), cancellation, TaskCreationOptions.None,
            new ConcurrentExclusiveSchedulerPair().ExclusiveScheduler).Unwrap();

    private static async Task<bool> Donate(CancellationToken cancellation)
    {
        var range = Cidr.ParseSubnet("10.255.0.0/24");
        var queue = new ConcurrentQueue<(PeerName From, PeerName To, byte[] Payload)>();
        var store = new DiscardingStore();
        AllocatorDriver Driver(PeerName self, InitMode init)
        {
            var engine = new Allocator(new AllocatorConfig(range, init), self, "warm-up", new Random(1));
            // What the host allocator grain does with each flush's effects, so that code is compiled too.
            var transfers = new EngineTransfers(() => engine, TimeProvider.System, capacity: 1);
            return new(engine, store, self.ToString(),
                new DriverOutputs((to, payload, _) => queue.Enqueue((self, to, payload)), _ => { }, _ => transfers.Observe()));
        }
        var drivers = new Dictionary<PeerName, AllocatorDriver>
        {
            [Owner] = Driver(Owner, new InitMode.ByConsensus(1)),
            [Asker] = Driver(Asker, new InitMode.AsObserver()),
        };
        var now = TimeSpan.Zero;
        await drivers[Owner].PeerConnected(Asker, now);
        await drivers[Asker].PeerConnected(Owner, now);
        if (await Settle(drivers[Owner].Request(id => drivers[Owner].Engine.Allocate(id, "warm-up", null, true, now), cancellation)) is not Outcome.Ok)
            return false;
        return await Settle(drivers[Asker].Request(id => drivers[Asker].Engine.Allocate(id, "warm-up", null, true, now), cancellation)) is Outcome.Ok;

        // Delivers messages, with ticks and gossip rounds in between, until the request is answered.
        async Task<Outcome?> Settle(Task<Outcome> request)
        {
            for (var round = 0; round < 20 && !request.IsCompleted; round++)
            {
                while (queue.TryDequeue(out var message))
                {
                    drivers[message.To].Receive(message.From, message.Payload, now, out _);
                    await Task.Yield();
                }
                if (request.IsCompleted)
                    break;
                now += TimeSpan.FromSeconds(1);
                foreach (var driver in drivers.Values)
                {
                    await driver.Tick(now);
                    await driver.GossipPeriodically();
                }
            }
            return request.IsCompleted ? await request : null;
        }
    }

    /// <summary>Commits that succeed at once and keep nothing.</summary>
    private sealed class DiscardingStore : IAllocatorStore
    {
        public Task<StoredState?> LoadAsync(string hostKey, CancellationToken cancellationToken) => Task.FromResult<StoredState?>(null);

        public Task CommitAsync(string hostKey, StateChange change, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task DeleteAsync(string hostKey, CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
