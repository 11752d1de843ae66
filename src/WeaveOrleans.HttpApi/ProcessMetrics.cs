using System.Diagnostics;
using Prometheus;

namespace WeaveOrleans.HttpApi;

/// <summary>
/// The process and runtime figures every service exports, in one registry per process (they describe
/// the process, not an API instance): prometheus-net's own <see cref="DotNetStats"/> collector
/// (<c>process_cpu_seconds_total</c>, <c>process_working_set_bytes</c>, <c>process_num_threads</c>,
/// <c>dotnet_collection_count_total</c>, ...) and its <see cref="MeterAdapter"/> over the runtime's
/// built-in <c>System.Runtime</c> meter (GC, thread pool, lock contention, JIT, exceptions).
/// </summary>
internal static class ProcessMetrics
{
    private static readonly Lazy<CollectorRegistry> Shared = new(Create);

    public static CollectorRegistry Registry => Shared.Value;

    private static CollectorRegistry Create()
    {
        var registry = Metrics.NewCustomRegistry();
        DotNetStats.Register(registry);
        var factory = Metrics.WithCustomRegistry(registry);
        // Never disposed: the listener lives as long as the process it describes. MetricFactory must be
        // given too: its default is the global factory, which would put the series in the global registry.
        MeterAdapter.StartListening(new MeterAdapterOptions
        {
            Registry = registry,
            MetricFactory = factory,
            InstrumentFilterPredicate = instrument => instrument.Meter.Name == "System.Runtime",
        });
        // The name Prometheus's own process collector uses, which dashboards and alerts expect;
        // prometheus-net calls the same figure (VmRSS on Linux) process_working_set_bytes.
        var resident = factory.CreateGauge(
            "process_resident_memory_bytes", "Resident memory size in bytes.");
        registry.AddBeforeCollectCallback(() =>
        {
            using var self = Process.GetCurrentProcess();
            resident.Set(self.WorkingSet64);
        });
        return registry;
    }
}
