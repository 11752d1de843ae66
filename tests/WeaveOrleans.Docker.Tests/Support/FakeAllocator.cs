using System.Collections.Concurrent;
using WeaveOrleans.Grains;
using WeaveOrleans.Contract.Api;

namespace WeaveOrleans.Docker.Tests.Support;

/// <summary>Records the container notifications the bridge sends; everything else is unused here.</summary>
public sealed class FakeAllocator : IHostAllocatorGrain, IHostAllocatorAccessor
{
    private readonly ConcurrentQueue<(string Call, string Id)> _calls = new();
    private readonly ConcurrentQueue<string[]> _prunes = new();

    public IHostAllocatorGrain Grain => this;

    /// <summary>Throw from the notification methods (to check the bridge survives a failing grain).</summary>
    public volatile bool Fail;

    public IReadOnlyList<(string Call, string Id)> Calls => _calls.ToArray();

    public IReadOnlyList<string[]> Prunes => _prunes.ToArray();

    public bool Saw(string call, string id) => _calls.Any(c => c.Call == call && c.Id == id);

    /// <summary>The calls for one container, in arrival order.</summary>
    public string[] CallsFor(string id) => _calls.Where(c => c.Id == id).Select(c => c.Call).ToArray();

    public Task ContainerStarted(string id) => Record(nameof(ContainerStarted), id);

    public Task ContainerDied(string id) => Record(nameof(ContainerDied), id);

    public Task ContainerDestroyed(string id) => Record(nameof(ContainerDestroyed), id);

    public Task<int> PruneOwned(string[] running)
    {
        _prunes.Enqueue(running);
        return Task.FromResult(0);
    }

    private Task Record(string call, string id)
    {
        _calls.Enqueue((call, id));
        return Fail ? Task.FromException(new InvalidOperationException("fake grain failure")) : Task.CompletedTask;
    }

    public Task<IpamReply> Allocate(string ident, Ipam.Addresses.Cidr? subnet, bool isContainer, CancellationToken cancellation = default) => throw new NotSupportedException();
    public Task<IpamReply> Claim(string ident, Ipam.Addresses.Cidr address, bool isContainer, bool noErrorOnUnknown, CancellationToken cancellation = default) => throw new NotSupportedException();
    public Task<Ipam.Addresses.Cidr[]> Lookup(string ident, Ipam.Addresses.Cidr? subnet) => throw new NotSupportedException();
    public Task<OwnedEntry[]> ListAll() => throw new NotSupportedException();
    public Task<string?> HolderOf(Ipam.Addresses.Address address) => throw new NotSupportedException();
    public Task<IpamReply> Free(string ident, Ipam.Addresses.Address address) => throw new NotSupportedException();
    public Task<IpamReply> Delete(string ident) => throw new NotSupportedException();
    public Task<IpamReply> Prime(CancellationToken cancellation = default) => throw new NotSupportedException();
    public Task<IpamReply> RemovePeer(string nameOrNickname) => throw new NotSupportedException();
    public Task<IpamReply> Shutdown() => throw new NotSupportedException();
    public Task<IpamStatus> Status() => throw new NotSupportedException();
    public Task Receive(Ipam.Peers.PeerName fromPeer, byte[] payload) => throw new NotSupportedException();
    public Task PeerConnected(Ipam.Peers.PeerName peer) => throw new NotSupportedException();
    public Task PeerDisconnected(Ipam.Peers.PeerName peer) => throw new NotSupportedException();
}
