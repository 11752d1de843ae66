using System.Net;

namespace WeaveOrleans.HttpApi.Tests;

/// <summary>Reference scenarios 2-4 (TestHttp, TestBadHttp, TestHTTPCancel / TestCancelOnDied).</summary>
public sealed class ScenarioTests
{
    [Fact]
    public async Task Allocate_lookup_delete_and_reuse_in_two_subnets()
    {
        await using var api = await ApiHost.StartAsync(new FakeHostAllocator("10.0.0.0/8"));

        Assert.Equal((200, "10.0.3.9/29"), await api.Send(HttpMethod.Post, "/ip/deadbeef/10.0.3.8/29"));
        Assert.Equal((200, "10.2.0.1/16"), await api.Send(HttpMethod.Post, "/ip/deadbeef/10.2.0.0/16"));

        // GET on the same URLs returns the same results.
        Assert.Equal((200, "10.0.3.9/29"), await api.Send(HttpMethod.Get, "/ip/deadbeef/10.0.3.8/29"));
        Assert.Equal((200, "10.2.0.1/16"), await api.Send(HttpMethod.Get, "/ip/deadbeef/10.2.0.0/16"));

        // Asking again for the same ID returns the same addresses.
        Assert.Equal((200, "10.0.3.9/29"), await api.Send(HttpMethod.Post, "/ip/deadbeef/10.0.3.8/29"));

        // Another ID receives different addresses.
        var (s1, other1) = await api.Send(HttpMethod.Post, "/ip/baddf00d/10.0.3.8/29");
        var (s2, other2) = await api.Send(HttpMethod.Post, "/ip/baddf00d/10.2.0.0/16");
        Assert.Equal(200, s1);
        Assert.Equal(200, s2);
        Assert.NotEqual("10.0.3.9/29", other1);
        Assert.NotEqual("10.2.0.1/16", other2);

        Assert.Equal((204, ""), await api.Send(HttpMethod.Delete, "/ip/deadbeef"));

        // The next ID receives the freed addresses again.
        Assert.Equal((200, "10.0.3.9/29"), await api.Send(HttpMethod.Post, "/ip/cafebabe/10.0.3.8/29"));
        Assert.Equal((200, "10.2.0.1/16"), await api.Send(HttpMethod.Post, "/ip/cafebabe/10.2.0.0/16"));
    }

    [Theory]
    [InlineData("HEAD", "/ip/x/a", 405)]
    [InlineData("POST", "/xip/x/", 404)]
    [InlineData("POST", "/ip/x/foo/bar/baz", 404)]
    [InlineData("PATCH", "/ip/x", 405)]
    [InlineData("PUT", "/ip/x", 405)]
    [InlineData("POST", "/ring", 405)]
    [InlineData("POST", "/status", 405)]
    [InlineData("GET", "/peer", 405)]
    [InlineData("GET", "/nothing", 404)]
    [InlineData("GET", "/ipinfo/other", 404)]
    public async Task Unknown_routes_are_404_and_wrong_verbs_405(string method, string path, int expected)
    {
        await using var api = await ApiHost.StartAsync();
        var (status, _) = await api.Send(new HttpMethod(method), path);
        Assert.Equal(expected, status);
        Assert.Null(api.Grain.LastAllocate);
    }

    [Theory]
    [InlineData("/ip/x/10.0.0.1/30", "host bits")]
    [InlineData("/ip/x/10.0.0.0/31", "at least 4")]
    [InlineData("/ip/x/10.0.0.0/32", "at least 4")]
    public async Task Subnets_with_host_bits_or_too_small_are_refused(string path, string reason)
    {
        await using var api = await ApiHost.StartAsync();
        var (status, body) = await api.Send(HttpMethod.Post, path);
        Assert.Equal(400, status);
        Assert.StartsWith("invalid subnet - ", body);
        Assert.Contains(reason, body);
        Assert.DoesNotContain('\n', body);
        Assert.Null(api.Grain.LastAllocate);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_client_that_disconnects_releases_its_waiting_allocation(bool grainThrows)
    {
        await using var api = await ApiHost.StartAsync(new FakeHostAllocator { BlockAllocations = true, ThrowOnCancel = grainThrows });
        using var cts = new CancellationTokenSource();

        var request = api.Client.PostAsync("/ip/c1?check-alive=true", null, cts.Token);
        await api.Grain.Waiting.Reached(1);
        Assert.False(request.IsCompleted);

        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => request);

        // The server notices the disconnect and passes the cancellation into the grain call.
        await api.Grain.CancellationsSeen.Reached(1);
        await Eventually(() => api.Grain.PendingCount == 0);
        Assert.Equal((200, """{"owned":[]}"""), await api.Send(HttpMethod.Get, "/ip"));
        Assert.Equal((200, ""), await api.Send(HttpMethod.Get, "/ip/c1"));
    }

    [Fact]
    public async Task Pending_allocations_of_a_dead_container_answer_409_cancelled()
    {
        await using var api = await ApiHost.StartAsync(new FakeHostAllocator { BlockAllocations = true });

        var first = api.Send(HttpMethod.Post, "/ip/c1");
        var second = api.Send(HttpMethod.Post, "/ip/c1/10.0.3.0/24");
        await api.Grain.Waiting.Reached(2);

        await api.Grain.ContainerDied("c1");

        // Deviation from Weave, which answered 200 "cancelled".
        Assert.Equal((409, "cancelled"), await first);
        Assert.Equal((409, "cancelled"), await second);
        Assert.Equal(0, api.Grain.CancellationsSeen.Count);
    }

    [Fact]
    public async Task Prime_blocks_until_the_ring_exists_and_is_released_by_a_disconnect()
    {
        await using var api = await ApiHost.StartAsync();

        using (var cts = new CancellationTokenSource())
        {
            var abandoned = api.Client.GetAsync("/ring", cts.Token);
            await api.Grain.Waiting.Reached(1);
            cts.Cancel();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => abandoned);
            await api.Grain.CancellationsSeen.Reached(1);
        }

        var waiting = api.Send(HttpMethod.Get, "/ring");
        await api.Grain.Waiting.Reached(2);
        Assert.False(waiting.IsCompleted);
        api.Grain.CreateRing();
        Assert.Equal((200, ""), await waiting);
        Assert.Equal((200, ""), await api.Send(HttpMethod.Get, "/ring"));
    }

    /// <summary>Polls a condition with a deadline; yields between checks instead of sleeping.</summary>
    internal static async Task Eventually(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met within 10 s");
            await Task.Yield();
        }
    }
}
