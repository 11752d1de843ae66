using Microsoft.Extensions.DependencyInjection;
using WeaveOrleans.Contract;

namespace WeaveOrleans.HttpApi.Tests;

/// <summary>The router routes over a fake <see cref="IPeerRouter"/>: what they read from a request and the text they answer with.</summary>
public sealed class RouterRouteTests
{
    private static Task<ApiHost> Start(FakeRouter router, FakeHostAllocator? grain = null) =>
        ApiHost.StartAsync(grain, configure: s => s.AddSingleton<IPeerRouter>(router));

    private static async Task<(int, string)> PostForm(ApiHost api, string path, string body)
    {
        using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/x-www-form-urlencoded");
        using var reply = await api.Client.PostAsync(path, content);
        return ((int)reply.StatusCode, await reply.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Connect_reads_peers_and_replace_from_the_form_body_as_Weaves_client_sends_them()
    {
        var router = new FakeRouter();
        await using var api = await Start(router);

        Assert.Equal((200, ""), await PostForm(api, "/connect", "peer=10.0.0.2&peer=host3:6783&replace=true"));
        Assert.Equal((200, ""), await api.Send(HttpMethod.Post, "/connect?peer=10.0.0.4"));

        Assert.Equal(["10.0.0.2", "host3:6783"], router.ConnectCalls[0].Peers);
        Assert.True(router.ConnectCalls[0].Replace);
        Assert.Equal(["10.0.0.4"], router.ConnectCalls[1].Peers);
        Assert.False(router.ConnectCalls[1].Replace);
    }

    [Fact]
    public async Task Connect_refused_by_the_router_is_400_with_one_line()
    {
        var router = new FakeRouter { Refuse = ["invalid peer \"a:b\": bad port \"b\"", "invalid peer \"c\": cannot resolve host \"c\""] };
        await using var api = await Start(router);
        var (code, body) = await PostForm(api, "/connect", "peer=a:b&peer=c");
        Assert.Equal(400, code);
        Assert.Equal("invalid peer \"a:b\": bad port \"b\"; invalid peer \"c\": cannot resolve host \"c\"", body);
    }

    [Fact]
    public async Task Forget_passes_every_peer_and_answers_200_empty()
    {
        var router = new FakeRouter();
        await using var api = await Start(router);
        Assert.Equal((200, ""), await PostForm(api, "/forget", "peer=10.0.0.2&peer=10.0.0.3:7000"));
        Assert.Equal(["10.0.0.2", "10.0.0.3:7000"], router.ForgetCalls.Single());
    }

    [Fact]
    public async Task Without_a_router_the_router_routes_are_not_there()
    {
        await using var api = await ApiHost.StartAsync();
        Assert.Equal((404, "404 page not found"), await api.Send(HttpMethod.Post, "/connect?peer=10.0.0.2"));
        Assert.Equal((404, "404 page not found"), await api.Send(HttpMethod.Get, "/status/targets"));
    }

    [Fact]
    public async Task Status_texts_use_Weaves_layouts()
    {
        var router = new FakeRouter();
        router.TargetList.AddRange(["10.0.0.2:6783", "10.0.0.3:6783"]);
        router.ConnectionList.AddRange(
        [
            new RouterConnection(true, "10.0.0.2:6783", "established", "00:00:00:00:00:02", "host2"),
            new RouterConnection(false, "10.0.0.9:6783", "established", "00:00:00:00:00:09", "host9"),
            new RouterConnection(true, "10.0.0.3:6783", "failed", Error: "dial tcp 10.0.0.3:6783: connection refused", RetryAt: new DateTimeOffset(2026, 12, 1, 10, 0, 0, TimeSpan.Zero)),
            new RouterConnection(true, "10.0.0.4:6783", "connecting"),
        ]);
        await using var api = await Start(router, new FakeHostAllocator("10.32.0.0/12"));

        Assert.Equal((200, "10.0.0.2:6783\n10.0.0.3:6783\n"), await api.Send(HttpMethod.Get, "/status/targets"));
        Assert.Equal((200,
            "-> 10.0.0.2:6783         established none   00:00:00:00:00:02(host2) \n" +
            "<- 10.0.0.9:6783         established none   00:00:00:00:00:09(host9) \n" +
            "-> 10.0.0.3:6783         failed      dial tcp 10.0.0.3:6783: connection refused, retry: 2026-12-01 10:00:00.000 UTC \n" +
            "-> 10.0.0.4:6783         connecting   \n"), await api.Send(HttpMethod.Get, "/status/connections"));
        Assert.Equal((200,
            "00:00:00:00:00:01(host1)\n" +
            "   -> 10.0.0.2:6783         00:00:00:00:00:02(host2)              established\n" +
            "   <- 10.0.0.9:6783         00:00:00:00:00:09(host9)              established\n" +
            "00:00:00:00:00:02(host2)\n" +
            "00:00:00:00:00:09(host9)\n"), await api.Send(HttpMethod.Get, "/status/peers"));

        var (code, status) = await api.Send(HttpMethod.Get, "/status");
        Assert.Equal(200, code);
        Assert.StartsWith($"        Version: {Contract.WeaveVersion.Current} (version check update disabled)\n\n        Service: router\n", status, StringComparison.Ordinal);
        Assert.Contains(
            "  PeerDiscovery: enabled\n" +
            "        Targets: 2\n" +
            "    Connections: 4 (2 established, 1 failed, 1 connecting)\n" +
            "          Peers: 3 (with 2 established connections)\n", status, StringComparison.Ordinal);
        Assert.Contains("         Status: idle\n", status, StringComparison.Ordinal);
        Assert.DoesNotContain("IPAM:", status, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_answers_503_with_its_text_until_the_router_is_ready()
    {
        var router = new FakeRouter { Ready = false, PeerDiscovery = false };
        await using var api = await Start(router);
        var (code, body) = await api.Send(HttpMethod.Get, "/status");
        Assert.Equal(503, code);
        Assert.Contains("  PeerDiscovery: disabled\n", body, StringComparison.Ordinal);
        Assert.Equal(503, (await api.Send(HttpMethod.Get, "/status/targets")).Item1);

        router.Ready = true;
        Assert.Equal(200, (await api.Send(HttpMethod.Get, "/status")).Item1);
        Assert.Equal("0", (await api.Send(HttpMethod.Get, "/status")).Item2.Split('\n').Single(l => l.Contains("Connections:", StringComparison.Ordinal)).Split(": ")[1]);
    }

    [Fact]
    public async Task Check_alive_is_read_from_a_form_body_as_well_as_the_query()
    {
        var grain = new FakeHostAllocator();
        await using var api = await ApiHost.StartAsync(grain);

        Assert.Equal(200, (await PostForm(api, "/ip/c1", "check-alive=true")).Item1);
        Assert.True(grain.LastAllocate!.Value.IsContainer);
        Assert.Equal(200, (await PostForm(api, "/ip/c2", "")).Item1);
        Assert.False(grain.LastAllocate!.Value.IsContainer);
        Assert.Equal(204, (await PutForm(api, "/ip/c3/10.32.0.77/12", "check-alive=true")).Item1);
        Assert.True(grain.LastClaim!.Value.IsContainer);
        Assert.Equal(400, (await PostForm(api, "/ip/c4", "check-alive=maybe")).Item1);
    }

    private static async Task<(int, string)> PutForm(ApiHost api, string path, string body)
    {
        using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/x-www-form-urlencoded");
        using var reply = await api.Client.PutAsync(path, content);
        return ((int)reply.StatusCode, await reply.Content.ReadAsStringAsync());
    }
}
