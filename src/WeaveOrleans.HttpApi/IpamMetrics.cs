using System.Globalization;
using Prometheus;
using WeaveOrleans.Grains;

namespace WeaveOrleans.HttpApi;

/// <summary>
/// The metrics behind <c>GET /metrics</c>, in a registry of their own (not prometheus-net's global
/// one, which would also carry process metrics and be shared by every API in the process). Values
/// are read from the grain's status, and from the optional <see cref="IGossipMetricsSource"/>, when
/// a scrape asks for them.
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
    private readonly Counter? _gossipMessages;
    private readonly Counter? _gossipBytes;
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
        if (gossip is not null)
        {
            var labels = new CounterConfiguration { LabelNames = ["kind", "direction"] };
            _gossipMessages = factory.CreateCounter("weave_gossip_messages_total", "Peer messages sent and received, by kind.", labels);
            _gossipBytes = factory.CreateCounter("weave_gossip_bytes_total", "Peer message bytes sent and received, by kind.", labels);
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
        }
        finally
        {
            _scrape.Release();
        }
    }

    private void Update(IpamStatus status)
    {
        _ips.WithLabels("local-used").Set(status.ActiveIPs);
        _maxIps.Set(double.TryParse(status.RangeNumIPs, NumberStyles.Float, CultureInfo.InvariantCulture, out var max) ? max : 0);
        _unreachableCount.Set(status.UnreachablePeers);
        _unreachablePercentage.Set(status.UnreachablePercentage);
        _pendingAllocates.Set(status.PendingAllocates.Length);
        _pendingClaims.Set(status.PendingClaims.Length);
        _ringEntries.Set(status.Entries.Length);
        // A counter never goes down; a restarted grain that counts from zero again leaves it where it was.
        _mergesRejected.IncTo(status.RejectedMerges);
        if (_gossip is null || _gossipMessages is null || _gossipBytes is null)
            return;
        foreach (var kind in _gossip.Snapshot())
        {
            _gossipMessages.WithLabels(kind.Kind, "sent").IncTo(kind.MessagesSent);
            _gossipMessages.WithLabels(kind.Kind, "received").IncTo(kind.MessagesReceived);
            _gossipBytes.WithLabels(kind.Kind, "sent").IncTo(kind.BytesSent);
            _gossipBytes.WithLabels(kind.Kind, "received").IncTo(kind.BytesReceived);
        }
    }
}
