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

        public IReadOnlyCollection<GossipKindCounters> Snapshot() => Counters;
    }
}
