using System.Net;
using WeaveOrleans.Gossip;
using WeaveOrleans.Grains;
using WeaveOrleans.HttpApi;

namespace WeaveOrleans.Host.Gossip;

/// <summary>
/// Owns this host's direct peers (Weave's targets): the launch peers, then whatever <c>connect</c>
/// and <c>forget</c> change at run time, each change stored in the data directory
/// (<see cref="TargetsFile"/>) and handed to <see cref="RingGossip"/> to dial or stop dialling.
/// Targets are kept as host:port, so <c>forget 10.0.0.2</c> and <c>forget 10.0.0.2:6783</c> are the same.
/// </summary>
public sealed class PeerRouter : IPeerRouter
{
    private readonly RingGossip _gossip;
    private readonly IPeerTransport _transport;
    private readonly HostOptions _options;
    private readonly SortedSet<string> _targets = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _changes = new(1, 1);

    public PeerRouter(RingGossip gossip, IPeerTransport transport, HostOptions options)
    {
        _gossip = gossip;
        _transport = transport;
        _options = options;
        foreach (var peer in options.Peers)
            _targets.Add(peer);
    }

    public bool Ready => _gossip.Started;

    public bool PeerDiscovery => _options.PeerDiscovery;

    public IReadOnlyList<string> Targets
    {
        get { lock (_targets) return [.. _targets]; }
    }

    public IReadOnlyList<RouterConnection> Connections =>
        [.. _transport.ConnectionList.Select(c => new RouterConnection(c.Outbound, c.Address, c.State, c.Peer?.ToString(), c.Nickname, c.Error, c.RetryAt))];

    public async Task<IReadOnlyList<string>> ConnectAsync(IReadOnlyList<string> peers, bool replace, CancellationToken cancellation)
    {
        var errors = new List<string>();
        var checkedPeers = new List<string>();
        foreach (var peer in peers)
        {
            var (target, error) = await CheckAsync(peer, cancellation);
            if (error is not null)
                errors.Add(error);
            else
                checkedPeers.Add(target!);
        }
        if (errors.Count > 0)
            return errors;
        await _changes.WaitAsync(cancellation);
        try
        {
            string[] dropped;
            lock (_targets)
            {
                dropped = replace ? [.. _targets.Except(checkedPeers, StringComparer.Ordinal)] : [];
                _targets.ExceptWith(dropped);
                _targets.UnionWith(checkedPeers);
            }
            Store();
            foreach (var d in dropped)
                _gossip.Forget(d);
            foreach (var p in checkedPeers)
                _gossip.Dial(p);
        }
        finally
        {
            _changes.Release();
        }
        return [];
    }

    public void Forget(IReadOnlyList<string> peers)
    {
        var targets = peers.Select(Normalized).OfType<string>().ToList();
        _changes.Wait();
        try
        {
            lock (_targets)
                _targets.ExceptWith(targets);
            Store();
            foreach (var t in targets)
                _gossip.Forget(t);
        }
        finally
        {
            _changes.Release();
        }
    }

    private void Store() => TargetsFile.Save(_options.DataDirectory, Targets);

    private static string? Normalized(string peer)
    {
        try
        {
            return LaunchSettings.NormalizePeer(peer);
        }
        catch (LaunchException)
        {
            return peer.Trim();
        }
    }

    /// <summary>host:port, its host resolved now (as Weave does) so a typo is refused at once, not retried for ever.</summary>
    private static async Task<(string? Target, string? Error)> CheckAsync(string peer, CancellationToken cancellation)
    {
        string target;
        try
        {
            target = LaunchSettings.NormalizePeer(peer);
        }
        catch (LaunchException e)
        {
            return (null, e.Message);
        }
        var host = target[..target.LastIndexOf(':')].Trim('[', ']');
        if (IPAddress.TryParse(host, out _))
            return (target, null);
        try
        {
            if ((await Dns.GetHostAddressesAsync(host, cancellation)).Length > 0)
                return (target, null);
        }
        catch (System.Net.Sockets.SocketException)
        {
        }
        catch (ArgumentException)
        {
        }
        return (null, $"invalid peer \"{peer}\": cannot resolve host \"{host}\"");
    }
}
