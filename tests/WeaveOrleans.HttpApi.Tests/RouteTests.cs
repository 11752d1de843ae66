using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;

namespace WeaveOrleans.HttpApi.Tests;

/// <summary>Every route's success and failure codes and bodies.</summary>
public sealed class RouteTests
{
    [Fact]
    public async Task Post_in_the_default_subnet_passes_check_alive_as_is_container()
    {
        await using var api = await ApiHost.StartAsync(new FakeHostAllocator("10.0.0.0/8", "10.32.0.0/12"));

        var response = await api.Client.PostAsync("/ip/c1", null);
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("text/plain; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        Assert.Equal("10.32.0.1/12", await response.Content.ReadAsStringAsync());
        Assert.Equal(("c1", (string?)null, false), api.Grain.LastAllocate);

        Assert.Equal((200, "10.32.0.2/12"), await api.Send(HttpMethod.Post, "/ip/c2?check-alive=true"));
        Assert.Equal(("c2", (string?)null, true), api.Grain.LastAllocate);

        Assert.Equal((200, "10.32.0.3/12"), await api.Send(HttpMethod.Post, "/ip/c3/?check-alive=false"));
        Assert.Equal(("c3", (string?)null, false), api.Grain.LastAllocate);
    }

    [Fact]
    public async Task Post_failure_is_400_with_the_grains_reason()
    {
        await using var api = await ApiHost.StartAsync(new FakeHostAllocator("10.0.3.0/24"));
        Assert.Equal((400, "range 192.168.0.0/24 out of bounds: 10.0.3.0/24"),
            await api.Send(HttpMethod.Post, "/ip/c1/192.168.0.0/24"));
    }

    [Fact]
    public async Task Post_in_a_subnet_passes_the_normalised_subnet()
    {
        await using var api = await ApiHost.StartAsync();
        Assert.Equal((200, "10.9.0.1/24"), await api.Send(HttpMethod.Post, "/ip/weave:expose/10.9.0.0/24?check-alive=true"));
        Assert.Equal(("weave:expose", "10.9.0.0/24", true), api.Grain.LastAllocate);
    }

    [Fact]
    public async Task Put_claims_with_its_flags()
    {
        await using var api = await ApiHost.StartAsync();

        Assert.Equal((204, ""), await api.Send(HttpMethod.Put, "/ip/c1/10.0.3.7/24"));
        Assert.Equal(("c1", "10.0.3.7/24", false, false), api.Grain.LastClaim);

        Assert.Equal((204, ""), await api.Send(HttpMethod.Put, "/ip/c2/10.0.3.8/24?check-alive=true&noErrorOnUnknown=true"));
        Assert.Equal(("c2", "10.0.3.8/24", true, true), api.Grain.LastClaim);

        Assert.Equal((200, "10.0.3.7/24"), await api.Send(HttpMethod.Get, "/ip/c1/10.0.3.0/24"));
    }

    [Fact]
    public async Task Put_failure_is_400_unable_to_claim()
    {
        await using var api = await ApiHost.StartAsync();
        Assert.Equal((204, ""), await api.Send(HttpMethod.Put, "/ip/cA/192.168.1.7/24"));
        Assert.Equal((400, "Unable to claim: address 192.168.1.7/24 already in use by cA"),
            await api.Send(HttpMethod.Put, "/ip/cB/192.168.1.7/24"));
    }

    [Fact]
    public async Task Get_looks_up_in_the_default_subnet_or_the_given_one()
    {
        await using var api = await ApiHost.StartAsync(new FakeHostAllocator("10.0.0.0/8", "10.32.0.0/12"));

        Assert.Equal((200, ""), await api.Send(HttpMethod.Get, "/ip/c1"));
        Assert.Equal("10.32.0.0/12", api.Grain.LastLookupSubnet);

        await api.Send(HttpMethod.Post, "/ip/c1");
        await api.Send(HttpMethod.Post, "/ip/c1/10.0.3.0/24");
        await api.Send(HttpMethod.Put, "/ip/c1/10.32.5.5/12");

        Assert.Equal((200, "10.32.0.1/12 10.32.5.5/12"), await api.Send(HttpMethod.Get, "/ip/c1"));
        Assert.Equal((200, "10.0.3.1/24"), await api.Send(HttpMethod.Get, "/ip/c1/10.0.3.0/24"));
        // Host bits in a lookup only name the block.
        Assert.Equal((200, "10.0.3.1/24"), await api.Send(HttpMethod.Get, "/ip/c1/10.0.3.99/24"));
        Assert.Equal("10.0.3.0/24", api.Grain.LastLookupSubnet);
        Assert.Equal((200, ""), await api.Send(HttpMethod.Get, "/ip/c1/10.1.0.0/16"));

        // The default subnet is launch configuration: read from the status once.
        var calls = api.Grain.StatusCalls;
        await api.Send(HttpMethod.Get, "/ip/c1");
        Assert.Equal(calls, api.Grain.StatusCalls);
    }

    [Fact]
    public async Task Get_ip_lists_every_owner_as_json()
    {
        await using var api = await ApiHost.StartAsync();
        var empty = await api.Client.GetAsync("/ip");
        Assert.Equal("application/json; charset=utf-8", empty.Content.Headers.ContentType?.ToString());
        Assert.Equal("""{"owned":[]}""", await empty.Content.ReadAsStringAsync());

        await api.Send(HttpMethod.Post, "/ip/c1/10.0.3.0/24");
        await api.Send(HttpMethod.Post, "/ip/c1/10.0.4.0/24");
        await api.Send(HttpMethod.Post, "/ip/c2/10.0.3.0/24?check-alive=true");
        var (status, body) = await api.Send(HttpMethod.Get, "/ip");
        Assert.Equal(200, status);
        Assert.Equal("""{"owned":[{"containerid":"c1","addrs":["10.0.3.1/24","10.0.4.1/24"],"container":false},{"containerid":"c2","addrs":["10.0.3.2/24"],"container":true}]}""", body);
    }

    [Fact]
    public async Task Delete_one_address_then_all()
    {
        await using var api = await ApiHost.StartAsync();
        await api.Send(HttpMethod.Post, "/ip/c1/10.0.3.0/24");
        await api.Send(HttpMethod.Post, "/ip/c1/10.0.4.0/24");

        Assert.Equal((204, ""), await api.Send(HttpMethod.Delete, "/ip/c1/10.0.3.1"));
        Assert.Equal("10.0.3.1", api.Grain.LastFree);
        Assert.Equal((400, "Unable to free: Free: address 10.0.3.1 not found for c1"),
            await api.Send(HttpMethod.Delete, "/ip/c1/10.0.3.1"));
        Assert.Equal((200, "10.0.4.1/24"), await api.Send(HttpMethod.Get, "/ip/c1/10.0.0.0/8"));

        Assert.Equal((204, ""), await api.Send(HttpMethod.Delete, "/ip/c1"));
        Assert.Equal((400, "Delete: no addresses for c1"), await api.Send(HttpMethod.Delete, "/ip/c1"));
        Assert.Equal((400, "Delete: no addresses for nobody"), await api.Send(HttpMethod.Delete, "/ip/nobody"));
    }

    [Fact]
    public async Task Ipinfo_answers_the_default_subnet_and_the_tracker()
    {
        await using (var api = await ApiHost.StartAsync(new FakeHostAllocator("10.0.0.0/8", "10.32.0.0/12")))
        {
            Assert.Equal((200, "10.32.0.0/12"), await api.Send(HttpMethod.Get, "/ipinfo/defaultsubnet"));
            Assert.Equal((200, "none"), await api.Send(HttpMethod.Get, "/ipinfo/tracker"));
        }
        await using (var api = await ApiHost.StartAsync(configure: s => s.Configure<WeaveHttpApiOptions>(o => o.Tracker = "awsvpc")))
            Assert.Equal((200, "awsvpc"), await api.Send(HttpMethod.Get, "/ipinfo/tracker"));
    }

    [Fact]
    public async Task Delete_peer_shuts_down_and_rmpeer_reports_the_takeover()
    {
        await using var api = await ApiHost.StartAsync();
        api.Grain.DeadPeers["host2"] = 42;

        Assert.Equal((200, "42 IPs taken over from host2\n"), await api.Send(HttpMethod.Delete, "/peer/host2"));
        Assert.Equal((200, "0 IPs taken over from 00:00:00:00:00:09\n"), await api.Send(HttpMethod.Delete, "/peer/00:00:00:00:00:09"));
        Assert.Equal((400, "Cannot remove self: it is this peer"), await api.Send(HttpMethod.Delete, "/peer/self"));

        Assert.False(api.Grain.IsShutDown);
        Assert.Equal((204, ""), await api.Send(HttpMethod.Delete, "/peer"));
        Assert.True(api.Grain.IsShutDown);
    }

    [Fact]
    public async Task Status_block_carries_the_ipam_lines()
    {
        await using var api = await ApiHost.StartAsync(new FakeHostAllocator("10.32.0.0/12"));
        var (status, body) = await api.Send(HttpMethod.Get, "/status");
        Assert.Equal(200, status);
        var lines = body.Split('\n');
        Assert.Contains("         Status: idle", lines);
        Assert.Contains("          Range: 10.32.0.0/12", lines);
        Assert.Contains("  DefaultSubnet: 10.32.0.0/12", lines);
        Assert.Contains("        Service: ipam", lines);
        Assert.Contains("           Name: 00:00:00:00:00:01(host1)", lines);
        Assert.Contains("      Consensus: elector (quorum: 2, known: 1)", lines);
        Assert.Contains("    Unreachable: 1 peer(s) owning ring ranges (12.5% of the range)", lines);
        Assert.Contains("\n\n        Service: ipam\n", body);
        Assert.EndsWith("\n", body);

        api.Grain.CreateRing();
        api.Grain.RejectedMerges = 3;
        (_, body) = await api.Send(HttpMethod.Get, "/status");
        Assert.Contains("         Status: ready", body.Split('\n'));
        Assert.Contains(" RejectedMerges: 3 (last: inconsistent entries)", body.Split('\n'));
    }

    [Fact]
    public async Task Status_ipam_is_empty_without_a_ring_then_one_line_per_peer()
    {
        await using var api = await ApiHost.StartAsync();
        api.Grain.RangeReport =
        [
            "00:00:00:00:00:01(host1)               8388608 IPs (50.0% of total) (3 active)",
            "00:00:00:00:00:02(host2)               8388608 IPs (50.0% of total) - unreachable!",
        ];
        var empty = await api.Client.GetAsync("/status/ipam");
        Assert.Equal(200, (int)empty.StatusCode);
        Assert.Equal("", await empty.Content.ReadAsStringAsync());

        api.Grain.CreateRing();
        Assert.Equal((200, string.Join('\n', api.Grain.RangeReport) + "\n"), await api.Send(HttpMethod.Get, "/status/ipam"));
    }

    [Fact]
    public async Task Status_json_is_the_whole_status_as_json()
    {
        await using var api = await ApiHost.StartAsync(new FakeHostAllocator("10.32.0.0/12"));
        api.Grain.CreateRing();
        var response = await api.Client.GetAsync("/status/json");
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("application/json; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = json.RootElement;
        Assert.Equal("ready", root.GetProperty("Line").GetString());
        Assert.Equal("10.32.0.0/12", root.GetProperty("Range").GetString());
        Assert.Equal("1048576", root.GetProperty("RangeNumIPs").GetString());
        Assert.Equal("10.32.0.0/12", root.GetProperty("DefaultSubnet").GetString());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("Paxos").ValueKind);
        var entry = Assert.Single(root.GetProperty("Entries").EnumerateArray());
        Assert.Equal("00:00:00:00:00:01", entry.GetProperty("Peer").GetString());
        Assert.True(entry.GetProperty("IsKnownPeer").GetBoolean());
    }

    [Fact]
    public async Task A_grain_fault_is_a_one_line_500_not_a_crash()
    {
        await using var api = await ApiHost.StartAsync();
        api.Grain.FailStatusWith = new InvalidOperationException("silo is stopping\nreally");
        Assert.Equal((500, "internal error: silo is stopping really"), await api.Send(HttpMethod.Get, "/status"));
        Assert.Equal(500, (await api.Send(HttpMethod.Get, "/metrics")).Status);
    }

    [Fact]
    public async Task Mapping_without_an_accessor_fails_at_startup()
    {
        var builder = Microsoft.AspNetCore.Builder.WebApplication.CreateSlimBuilder();
        await using var app = builder.Build();
        var e = Assert.Throws<InvalidOperationException>(() => app.MapWeaveHttpApi());
        Assert.Contains("IHostAllocatorAccessor", e.Message);
    }
}
