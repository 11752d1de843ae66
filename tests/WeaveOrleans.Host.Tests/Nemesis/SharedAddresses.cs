using System.Collections.Concurrent;

namespace WeaveOrleans.Host.Tests.Nemesis;

/// <summary>Addresses acknowledged to some id and recently freed, across all clients: targets for claims that must fail or may succeed.</summary>
internal sealed class SharedAddresses
{
    private readonly ConcurrentDictionary<string, int> held = new();
    private readonly ConcurrentQueue<string> freed = new();

    public void Acknowledged(string address) => held.AddOrUpdate(address, 1, (_, n) => n + 1);

    public void Released(string address)
    {
        held.AddOrUpdate(address, 0, (_, n) => Math.Max(0, n - 1));
        freed.Enqueue(address);
        while (freed.Count > 200 && freed.TryDequeue(out _))
        {
        }
    }

    public string? RecentlyFreed(Random rng)
    {
        var all = freed.ToArray();
        return all.Length == 0 ? null : all[rng.Next(all.Length)];
    }

    public string? HeldByOthers(Random rng)
    {
        var all = held.Where(kv => kv.Value > 0).Select(kv => kv.Key).ToArray();
        return all.Length == 0 ? null : all[rng.Next(all.Length)];
    }
}
