using System.Globalization;
using System.Text.RegularExpressions;

namespace WeaveOrleans.HttpApi.Tests;

public sealed partial class MetricsTests
{
    [Fact]
    public async Task Metrics_are_prometheus_text_with_the_ipam_gauges()
    {
        await using var api = await ApiHost.StartAsync(new FakeHostAllocator("10.32.0.0/12"));
        api.Grain.CreateRing();
        api.Grain.RejectedMerges = 2;
        await api.Send(HttpMethod.Post, "/ip/c1");
        await api.Send(HttpMethod.Post, "/ip/c2");

        var response = await api.Client.GetAsync("/metrics");
        Assert.Equal(200, (int)response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.ToString());
        var samples = Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(2, samples["weave_ips{state=\"local-used\"}"]);
        Assert.Equal(1048576, samples["weave_max_ips"]);
        Assert.Equal(1, samples["weave_ipam_unreachable_count"]);
        Assert.Equal(12.5, samples["weave_ipam_unreachable_percentage"]);
        Assert.Equal(0, samples["weave_ipam_pending_allocates"]);
        Assert.Equal(0, samples["weave_ipam_pending_claims"]);
        Assert.Equal(1, samples["weave_ipam_ring_entries"]);
        Assert.Equal(2, samples["weave_ipam_merges_rejected_total"]);
        Assert.DoesNotContain(samples.Keys, k => k.StartsWith("weave_gossip_", StringComparison.Ordinal));
        Assert.DoesNotContain(samples.Keys, k => k.StartsWith("weave_connection", StringComparison.Ordinal));

        // A counter does not go down when the grain's count restarts from zero.
        api.Grain.RejectedMerges = 0;
        Assert.Equal(2, Parse(await api.Client.GetStringAsync("/metrics"))["weave_ipam_merges_rejected_total"]);
    }

    [Fact]
    public async Task Pending_allocations_show_in_the_metrics()
    {
        await using var api = await ApiHost.StartAsync(new FakeHostAllocator { BlockAllocations = true });
        var pending = api.Send(HttpMethod.Post, "/ip/c1");
        await api.Grain.Waiting.Reached(1);
        Assert.Equal(1, Parse(await api.Client.GetStringAsync("/metrics"))["weave_ipam_pending_allocates"]);
        await api.Grain.ContainerDied("c1");
        Assert.Equal((409, "cancelled"), await pending);
    }

    [Fact]
    public async Task Gossip_counters_are_exported_when_a_source_is_registered()
    {
        var gossip = new FakeGossip();
        await using var api = await ApiHost.StartAsync(gossip: gossip);
        gossip.Counters = [new("hello", 1, 40, 2, 80), new("message", 10, 1000, 7, 700)];

        var samples = Parse(await api.Client.GetStringAsync("/metrics"));
        Assert.Equal(1, samples["weave_gossip_messages_total{kind=\"hello\",direction=\"sent\"}"]);
        Assert.Equal(2, samples["weave_gossip_messages_total{kind=\"hello\",direction=\"received\"}"]);
        Assert.Equal(1000, samples["weave_gossip_bytes_total{kind=\"message\",direction=\"sent\"}"]);
        Assert.Equal(700, samples["weave_gossip_bytes_total{kind=\"message\",direction=\"received\"}"]);

        gossip.Counters = [new("message", 11, 1100, 7, 700)];
        samples = Parse(await api.Client.GetStringAsync("/metrics"));
        Assert.Equal(11, samples["weave_gossip_messages_total{kind=\"message\",direction=\"sent\"}"]);
        Assert.Equal(1, samples["weave_gossip_messages_total{kind=\"hello\",direction=\"sent\"}"]);
    }

    [Fact]
    public async Task Capacity_gauges_show_each_peers_share_and_each_subnet_in_use()
    {
        await using var api = await ApiHost.StartAsync(new FakeHostAllocator("10.32.0.0/12"));
        api.Grain.CreateRing();
        await api.Send(HttpMethod.Post, "/ip/c1");
        await api.Send(HttpMethod.Post, "/ip/c2");
        await api.Send(HttpMethod.Post, "/ip/c3/10.40.0.0/24");
        api.Grain.DeadContainerAddresses = 2;

        var samples = Parse(await api.Client.GetStringAsync("/metrics"));
        Assert.Equal(1048576, samples["weave_ipam_owned_addresses{peer=\"00:00:00:00:00:01\"}"]);
        Assert.Equal(1048573, samples["weave_ipam_free_addresses{peer=\"00:00:00:00:00:01\"}"]);
        Assert.Equal(1048576, samples["weave_ipam_subnet_size{subnet=\"10.32.0.0/12\"}"]);
        Assert.Equal(2, samples["weave_ipam_subnet_allocated{subnet=\"10.32.0.0/12\"}"]);
        Assert.Equal(256, samples["weave_ipam_subnet_size{subnet=\"10.40.0.0/24\"}"]);
        Assert.Equal(1, samples["weave_ipam_subnet_allocated{subnet=\"10.40.0.0/24\"}"]);
        Assert.Equal(2, samples["weave_ipam_dead_container_addresses"]);

        // A donation shows as a move between peers; a peer gone from the ring loses its series.
        api.Grain.Peers = [new("00:00:00:00:00:01", "host1", "524288", "524285"), new("00:00:00:00:00:02", "host2", "524288", "524288")];
        samples = Parse(await api.Client.GetStringAsync("/metrics"));
        Assert.Equal(524288, samples["weave_ipam_owned_addresses{peer=\"00:00:00:00:00:01\"}"]);
        Assert.Equal(524288, samples["weave_ipam_free_addresses{peer=\"00:00:00:00:00:02\"}"]);
        api.Grain.Peers = [new("00:00:00:00:00:02", "host2", "1048576", "1048573")];
        samples = Parse(await api.Client.GetStringAsync("/metrics"));
        Assert.Equal(1048576, samples["weave_ipam_owned_addresses{peer=\"00:00:00:00:00:02\"}"]);
        Assert.DoesNotContain("weave_ipam_owned_addresses{peer=\"00:00:00:00:00:01\"}", samples.Keys);
        Assert.DoesNotContain("weave_ipam_free_addresses{peer=\"00:00:00:00:00:01\"}", samples.Keys);

        // Freed: the subnet no longer held in drops out; the default subnet always stays.
        await api.Send(HttpMethod.Delete, "/ip/c3");
        await api.Send(HttpMethod.Delete, "/ip/c1");
        await api.Send(HttpMethod.Delete, "/ip/c2");
        samples = Parse(await api.Client.GetStringAsync("/metrics"));
        Assert.Equal(0, samples["weave_ipam_subnet_allocated{subnet=\"10.32.0.0/12\"}"]);
        Assert.DoesNotContain("weave_ipam_subnet_size{subnet=\"10.40.0.0/24\"}", samples.Keys);
    }

    [Fact]
    public async Task Connection_states_and_terminations_are_exported_when_a_source_is_registered()
    {
        var gossip = new FakeGossip { Links = new(Established: 2, Pending: 1, Connecting: 0, Retrying: 3, Failed: 4, Terminations: 5, Refused: 7) };
        await using var api = await ApiHost.StartAsync(gossip: gossip);

        var samples = Parse(await api.Client.GetStringAsync("/metrics"));
        Assert.Equal(2, samples["weave_connections{state=\"established\"}"]);
        Assert.Equal(1, samples["weave_connections{state=\"pending\"}"]);
        Assert.Equal(0, samples["weave_connections{state=\"connecting\"}"]);
        Assert.Equal(3, samples["weave_connections{state=\"retrying\"}"]);
        Assert.Equal(4, samples["weave_connections{state=\"failed\"}"]);
        Assert.Equal(5, samples["weave_connection_terminations_total"]);
        Assert.Equal(7, samples["weave_connections_refused_total"]);

        // A restarted transport counts from zero again: the counter stays where it was.
        gossip.Links = new(Established: 0, Pending: 0, Connecting: 0, Retrying: 1, Failed: 0, Terminations: 0);
        samples = Parse(await api.Client.GetStringAsync("/metrics"));
        Assert.Equal(0, samples["weave_connections{state=\"established\"}"]);
        Assert.Equal(1, samples["weave_connections{state=\"retrying\"}"]);
        Assert.Equal(5, samples["weave_connection_terminations_total"]);
        Assert.Equal(7, samples["weave_connections_refused_total"]);
    }

    [Fact]
    public async Task Process_and_runtime_figures_come_from_the_metrics_librarys_collectors()
    {
        await using var api = await ApiHost.StartAsync();
        var samples = Parse(await api.Client.GetStringAsync("/metrics"));

        Assert.True(samples["process_resident_memory_bytes"] > 1 << 20);
        Assert.True(samples["process_cpu_seconds_total"] > 0);
        Assert.True(samples["process_num_threads"] > 0);
        Assert.Contains("dotnet_collection_count_total{generation=\"0\"}", samples.Keys);
        // From the runtime's System.Runtime meter, through prometheus-net's meter adapter.
        Assert.True(samples["system_runtime_dotnet_thread_pool_thread_count"] > 0);
        Assert.Contains("system_runtime_dotnet_gc_collections{gc_heap_generation=\"gen0\"}", samples.Keys);
        Assert.True(samples["system_runtime_dotnet_process_cpu_time{cpu_mode=\"user\"}"] > 0);
        // Only the runtime's meter: not every library's instruments in the process.
        Assert.DoesNotContain(samples.Keys, k => k.StartsWith("microsoft_", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Two_apis_in_one_process_keep_their_own_metrics()
    {
        await using var one = await ApiHost.StartAsync();
        await using var two = await ApiHost.StartAsync();
        await one.Send(HttpMethod.Post, "/ip/c1");
        Assert.Equal(1, Parse(await one.Client.GetStringAsync("/metrics"))["weave_ips{state=\"local-used\"}"]);
        Assert.Equal(0, Parse(await two.Client.GetStringAsync("/metrics"))["weave_ips{state=\"local-used\"}"]);
    }

    /// <summary>
    /// Checks the text exposition format line by line (HELP and TYPE comments; samples
    /// <c>name{label="value",...} value</c>; every sample's family declared by a TYPE line before it)
    /// and returns the samples keyed by name and labels.
    /// </summary>
    private static Dictionary<string, double> Parse(string text)
    {
        Assert.EndsWith("\n", text);
        var samples = new Dictionary<string, double>();
        var types = new Dictionary<string, string>();
        foreach (var line in text.TrimEnd('\n').Split('\n'))
        {
            if (line.StartsWith('#'))
            {
                var comment = CommentLine().Match(line);
                Assert.True(comment.Success, $"bad comment line: {line}");
                if (comment.Groups["kind"].Value == "TYPE")
                {
                    Assert.Matches("^(counter|gauge|histogram|summary|untyped)$", comment.Groups["rest"].Value);
                    types.Add(comment.Groups["name"].Value, comment.Groups["rest"].Value);
                }
                continue;
            }
            var sample = SampleLine().Match(line);
            Assert.True(sample.Success, $"bad sample line: {line}");
            var name = sample.Groups["name"].Value;
            Assert.True(types.ContainsKey(name), $"sample before its TYPE line: {line}");
            if (types[name] == "counter")
                Assert.EndsWith("_total", name);
            var value = sample.Groups["value"].Value;
            Assert.True(double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
                || value is "NaN" or "+Inf" or "-Inf", $"bad value: {line}");
            samples.Add(name + sample.Groups["labels"].Value, number);
        }
        return samples;
    }

    [GeneratedRegex("""^# (?<kind>HELP|TYPE) (?<name>[a-zA-Z_:][a-zA-Z0-9_:]*) (?<rest>.*)$""")]
    private static partial Regex CommentLine();

    [GeneratedRegex("""^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(?<labels>\{[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*"(?:,[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*")*\})? (?<value>\S+)( -?\d+)?$""")]
    private static partial Regex SampleLine();

    private sealed class FakeGossip : IGossipMetricsSource
    {
        public volatile GossipKindCounters[] Counters = [];

        public PeerConnectionCounts Links { get; set; }

        public IReadOnlyCollection<GossipKindCounters> Snapshot() => Counters;

        public PeerConnectionCounts Connections() => Links;
    }
}
