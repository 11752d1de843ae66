using System.Globalization;
using Prometheus;
using WeaveOrleans.Grains;
using WeaveOrleans.Contract.Api;

namespace WeaveOrleans.HttpApi;

/// <summary>
/// The metrics behind <c>GET /metrics</c>: this API's own registry (not prometheus-net's global one,
/// which anything in the process may add to), followed by the process-wide
/// <see cref="ProcessMetrics"/>. Values are read from the grain's status, and from the optional
/// <see cref="IGossipMetricsSource"/>, when a scrape asks for them.
/// </summary>
internal sealed class IpamMetrics
{
    private readonly CollectorRegistry _registry = Metrics.NewCustomRegistry();
    private readonly Gauge _ips;
    private readonly Gauge _maxIps;
    private readonly Gauge _unreachableCount;
    private readonly Gauge _unreachablePercentage;
    private readonly Gauge _pendingAllocates;
    private readonly Gauge _pendingClaims;
    private readonly Gauge _ringEntries;
    private readonly Counter _mergesRejected;
    private readonly Gauge _ownedAddresses;
    private readonly Gauge _freeAddresses;
    private readonly Gauge _subnetSize;
    private readonly Gauge _subnetAllocated;
    private readonly Gauge _deadContainerAddresses;
    private readonly Counter? _gossipMessages;
    private readonly Counter? _gossipBytes;
    private readonly Gauge? _connections;
    private readonly Counter? _terminations;
    private readonly Counter? _refused;
    private readonly IGossipMetricsSource? _gossip;
    private readonly SemaphoreSlim _scrape = new(1, 1);

    public IpamMetrics(IGossipMetricsSource? gossip)
    {
        _gossip = gossip;
        var factory = Metrics.WithCustomRegistry(_registry);
        _ips = factory.CreateGauge("weave_ips", "Number of IP addresses.", new GaugeConfiguration { LabelNames = ["state"] });
        _maxIps = factory.CreateGauge("weave_max_ips", "Size of the IP address range managed by IPAM.");
        _unreachableCount = factory.CreateGauge("weave_ipam_unreachable_count", "Number of unreachable peers that own ranges.");
        _unreachablePercentage = factory.CreateGauge("weave_ipam_unreachable_percentage", "Percentage of the IP range owned by unreachable peers.");
        _pendingAllocates = factory.CreateGauge("weave_ipam_pending_allocates", "Number of pending allocations.");
        _pendingClaims = factory.CreateGauge("weave_ipam_pending_claims", "Number of pending claims.");
        _ringEntries = factory.CreateGauge("weave_ipam_ring_entries", "Number of entries in the ownership ring.");
        _mergesRejected = factory.CreateCounter("weave_ipam_merges_rejected_total", "Ring updates from peers that were rejected as inconsistent.");
        var byPeer = new GaugeConfiguration { LabelNames = ["peer"] };
        _ownedAddresses = factory.CreateGauge("weave_ipam_owned_addresses", "Addresses of the range each peer in the ring owns.", byPeer);
        _freeAddresses = factory.CreateGauge("weave_ipam_free_addresses", "Free addresses each peer in the ring has (this peer's free list; the others' last advertised counts).", byPeer);
        var bySubnet = new GaugeConfiguration { LabelNames = ["subnet"] };
        _subnetSize = factory.CreateGauge("weave_ipam_subnet_size", "Addresses in the default subnet and in each subnet this peer has allocated in.", bySubnet);
        _subnetAllocated = factory.CreateGauge("weave_ipam_subnet_allocated", "Addresses this peer has handed out in each subnet.", bySubnet);
        _deadContainerAddresses = factory.CreateGauge("weave_ipam_dead_container_addresses", "Addresses held by containers that died and are waiting out the grace period before release.");
        if (gossip is not null)
        {
            var labels = new CounterConfiguration { LabelNames = ["kind", "direction"] };
            _gossipMessages = factory.CreateCounter("weave_gossip_messages_total", "Peer messages sent and received, by kind.", labels);
            _gossipBytes = factory.CreateCounter("weave_gossip_bytes_total", "Peer message bytes sent and received, by kind.", labels);
            _connections = factory.CreateGauge("weave_connections", "Peer connections and dial targets by state.", new GaugeConfiguration { LabelNames = ["state"] });
            _terminations = factory.CreateCounter("weave_connection_terminations_total", "Established peer connections that have ended.");
            _refused = factory.CreateCounter("weave_connections_refused_total", "Incoming peer connections refused before they were established (rate limits, handshake or authentication failures).");
        }
    }

    /// <summary>Reads the current values and writes the Prometheus text exposition format.</summary>
    public async Task WriteAsync(IpamStatus status, Stream output, CancellationToken cancellation)
    {
        // One scrape at a time: values are set and exported as one consistent picture.
        await _scrape.WaitAsync(cancellation);
        try
        {
            Update(status);
            await _registry.CollectAndExportAsTextAsync(output, cancellation);
            await ProcessMetrics.Registry.CollectAndExportAsTextAsync(output, cancellation);
        }
        finally
        {
            _scrape.Release();
        }
    }

    private void Update(IpamStatus status)
    {
        _ips.WithLabels("local-used").Set(status.ActiveIPs);
        _maxIps.Set(Number(status.RangeNumIPs));
        _unreachableCount.Set(status.UnreachablePeers);
        _unreachablePercentage.Set(status.UnreachablePercentage);
        _pendingAllocates.Set(status.PendingAllocates.Length);
        _pendingClaims.Set(status.PendingClaims.Length);
        _ringEntries.Set(status.Entries.Length);
        // A counter never goes down; a restarted grain that counts from zero again leaves it where it was.
        _mergesRejected.IncTo(status.RejectedMerges);
        Publish(_ownedAddresses, status.Peers?.Select(p => (p.Peer, Number(p.Owned))));
        Publish(_freeAddresses, status.Peers?.Select(p => (p.Peer, Number(p.Free))));
        Publish(_subnetSize, status.Subnets?.Select(s => (s.Subnet, Number(s.Size))));
        Publish(_subnetAllocated, status.Subnets?.Select(s => (s.Subnet, (double)s.Allocated)));
        _deadContainerAddresses.Set(status.DeadContainerAddresses);
        if (_gossip is null || _gossipMessages is null || _gossipBytes is null || _connections is null || _terminations is null || _refused is null)
            return;
        var connections = _gossip.Connections();
        _connections.WithLabels("established").Set(connections.Established);
        _connections.WithLabels("pending").Set(connections.Pending);
        _connections.WithLabels("connecting").Set(connections.Connecting);
        _connections.WithLabels("retrying").Set(connections.Retrying);
        _connections.WithLabels("failed").Set(connections.Failed);
        _terminations.IncTo(connections.Terminations);
        _refused.IncTo(connections.Refused);
        foreach (var kind in _gossip.Snapshot())
        {
            _gossipMessages.WithLabels(kind.Kind, "sent").IncTo(kind.MessagesSent);
            _gossipMessages.WithLabels(kind.Kind, "received").IncTo(kind.MessagesReceived);
            _gossipBytes.WithLabels(kind.Kind, "sent").IncTo(kind.BytesSent);
            _gossipBytes.WithLabels(kind.Kind, "received").IncTo(kind.BytesReceived);
        }
    }

    /// <summary>Sets one series per label value and drops those the status no longer names (a peer gone from the ring).</summary>
    private static void Publish(Gauge gauge, IEnumerable<(string Label, double Value)>? values)
    {
        var current = (values ?? []).ToDictionary(v => v.Label, v => v.Value, StringComparer.Ordinal);
        foreach (var labels in gauge.GetAllLabelValues())
            if (!current.ContainsKey(labels[0]))
                gauge.WithLabels(labels).Remove();
        foreach (var (label, value) in current)
            gauge.WithLabels(label).Set(value);
    }

    private static double Number(string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : 0;
}
