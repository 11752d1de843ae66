using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using WeaveOrleans.Grains;
using WeaveOrleans.HttpApi.Report;
using WeaveOrleans.Contract;
using WeaveOrleans.Contract.Api;

namespace WeaveOrleans.HttpApi.Tests;

/// <summary><c>GET /report</c>: Weave's document (names, types, order) and <c>?format=</c> templates over it.</summary>
public sealed class ReportRouteTests
{
    private static async Task<ApiHost> Start(FakeRouter? router = null)
    {
        var api = await ApiHost.StartAsync(new FakeHostAllocator("10.32.0.0/12"),
            configure: s => { if (router is not null) s.AddSingleton<IPeerRouter>(router); });
        api.Grain.CreateRing();
        return api;
    }

    private static FakeRouter RouterWithAPeer()
    {
        var router = new FakeRouter { PeerDiscovery = false };
        router.TargetList.AddRange(["10.0.0.2", "10.0.0.9:6783"]);
        router.ConnectionList.Add(new RouterConnection(true, "10.0.0.2:6783", "established", "00:00:00:00:00:02", "host2"));
        router.ConnectionList.Add(new RouterConnection(true, "10.0.0.9:6783", "failed", Error: "connection refused"));
        return router;
    }

    private static async Task<(int Code, string Body, string? Type)> Get(ApiHost api, string path, bool acceptJson = false)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (acceptJson)
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        using var reply = await api.Client.SendAsync(request);
        return ((int)reply.StatusCode, await reply.Content.ReadAsStringAsync(), reply.Content.Headers.ContentType?.ToString());
    }

    [Fact]
    public async Task The_document_has_Weaves_fields_in_Weaves_order_with_numeric_sizes()
    {
        await using var api = await Start(RouterWithAPeer());
        var (code, body, type) = await Get(api, "/report", acceptJson: true);

        Assert.Equal(200, code);
        Assert.Equal("application/json; charset=utf-8", type);
        Assert.StartsWith("{\n    \"Ready\": true,\n    \"Version\": ", body, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(body);
        var root = json.RootElement;
        Assert.Equal(["Ready", "Version", "VersionCheck", "Router", "IPAM"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal(WeaveVersion.Current, root.GetProperty("Version").GetString());
        Assert.False(root.GetProperty("VersionCheck").GetProperty("Enabled").GetBoolean());

        var router = root.GetProperty("Router");
        Assert.Equal(["Encryption", "PeerDiscovery", "Name", "NickName", "Peers", "Connections", "Targets"], router.EnumerateObject().Select(p => p.Name));
        Assert.Equal("00:00:00:00:00:01", router.GetProperty("Name").GetString());
        Assert.Equal("host1", router.GetProperty("NickName").GetString());
        Assert.False(router.GetProperty("PeerDiscovery").GetBoolean());
        Assert.Equal(["10.0.0.2", "10.0.0.9:6783"], router.GetProperty("Targets").EnumerateArray().Select(t => t.GetString()));

        var peers = router.GetProperty("Peers").EnumerateArray().ToList();
        Assert.Equal(["00:00:00:00:00:01", "00:00:00:00:00:02"], peers.Select(p => p.GetProperty("Name").GetString()));
        var link = Assert.Single(peers[0].GetProperty("Connections").EnumerateArray());
        Assert.Equal(["Name", "NickName", "Address", "Outbound", "Established"], link.EnumerateObject().Select(p => p.Name));
        Assert.Equal("host2", link.GetProperty("NickName").GetString());
        Assert.True(link.GetProperty("Established").GetBoolean());

        var connections = router.GetProperty("Connections").EnumerateArray().ToList();
        Assert.Equal(["Address", "Outbound", "State", "Info", "Attrs"], connections[0].EnumerateObject().Select(p => p.Name));
        Assert.Equal(["established", "failed"], connections.Select(c => c.GetProperty("State").GetString()));
        Assert.Equal("none   00:00:00:00:00:02(host2)", connections[0].GetProperty("Info").GetString());
        Assert.StartsWith("connection refused, retry: ", connections[1].GetProperty("Info").GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, connections[0].GetProperty("Attrs").ValueKind);

        var ipam = root.GetProperty("IPAM");
        Assert.Equal(["Paxos", "Range", "RangeNumIPs", "ActiveIPs", "DefaultSubnet", "Entries", "PendingClaims", "PendingAllocates"],
            ipam.EnumerateObject().Select(p => p.Name));
        Assert.Equal(JsonValueKind.Number, ipam.GetProperty("RangeNumIPs").ValueKind);
        Assert.Equal(1048576, ipam.GetProperty("RangeNumIPs").GetInt64());
        Assert.Equal("10.32.0.0/12", ipam.GetProperty("DefaultSubnet").GetString());
        var entry = Assert.Single(ipam.GetProperty("Entries").EnumerateArray());
        Assert.Equal(["Token", "Size", "Peer", "Nickname", "IsKnownPeer", "Version"], entry.EnumerateObject().Select(p => p.Name));
        Assert.Equal(JsonValueKind.Number, entry.GetProperty("Size").ValueKind);
        Assert.Equal(1048576, entry.GetProperty("Size").GetInt64());
        Assert.Equal("10.32.0.0", entry.GetProperty("Token").GetString());
        Assert.True(entry.GetProperty("IsKnownPeer").GetBoolean());
    }

    [Fact]
    public async Task Without_accept_or_format_the_document_is_json_too_and_without_a_router_the_router_part_is_the_grains_view()
    {
        await using var api = await Start();
        var (code, body, type) = await Get(api, "/report");
        Assert.Equal(200, code);
        Assert.Equal("application/json; charset=utf-8", type);
        using var json = JsonDocument.Parse(body);
        var router = json.RootElement.GetProperty("Router");
        Assert.Equal(["00:00:00:00:00:01", "00:00:00:00:00:02"], router.GetProperty("Peers").EnumerateArray().Select(p => p.GetProperty("Name").GetString()));
        Assert.Empty(router.GetProperty("Connections").EnumerateArray());
        Assert.True(json.RootElement.GetProperty("Ready").GetBoolean());
    }

    [Theory]
    [InlineData("{{.Router.Name}}", "00:00:00:00:00:01")]
    [InlineData("{{.Version}}", null)]
    [InlineData("{{range .IPAM.Entries}}{{.Token}} {{.Size}} {{.Peer}}({{.Nickname}}){{end}}", "10.32.0.0 1048576 00:00:00:00:00:01(host1)")]
    [InlineData("{{range .Router.Connections}}{{.Address}} {{end}}", "10.0.0.2:6783 10.0.0.9:6783 ")]
    [InlineData("{{json .Router.Targets}}", "[\"10.0.0.2\",\"10.0.0.9:6783\"]")]
    [InlineData("{{printf \"%s has %d peers\" .Router.NickName (len .Router.Peers)}}", "host1 has 2 peers")]
    [InlineData("{{if .IPAM.Paxos}}consensus{{else}}ring{{end}}", "ring")]
    [InlineData("{{.VersionCheck.Enabled}}", "false")]
    [InlineData("{{range .Router.Targets}}{{.}}{{\"\\n\"}}{{end}}", "10.0.0.2\n10.0.0.9:6783\n")]
    [InlineData("{{range .Router.Targets}}{{.}}\n{{end}}", "10.0.0.2\n10.0.0.9:6783\n")]
    [InlineData("{{.IPAM.PendingClaims}}", "[{c1 10.32.0.9/12}]")]
    [InlineData("{{range .IPAM.PendingClaims}}{{.Ident}}={{.CIDR}}{{end}}", "c1=10.32.0.9/12")]
    public async Task A_format_runs_the_template_over_the_document(string template, string? expected)
    {
        await using var api = await Start(RouterWithAPeer());
        api.Grain.PendingClaims = ["c1 10.32.0.9/12"];
        var (code, body, type) = await Get(api, "/report?format=" + Uri.EscapeDataString(template));
        Assert.Equal(200, code);
        Assert.Equal("text/plain; charset=utf-8", type);
        Assert.Equal(expected ?? WeaveVersion.Current, body);
    }

    [Theory]
    [InlineData("{{printList .Router.Peers}}", "template: 1:3: function \"printList\" not defined")]
    [InlineData("{{.Router.Nope}}", "template: 1:3: executing at <.Router.Nope>: can't evaluate field Nope: no such field at .Router.Nope")]
    [InlineData("{{range .Router.Peers}}", "template: 1:3: unexpected EOF: {{range}} has no {{end}}")]
    public async Task A_bad_template_is_a_one_line_400_and_nothing_else(string template, string expected)
    {
        await using var api = await Start(RouterWithAPeer());
        var (code, body, _) = await Get(api, "/report?format=" + Uri.EscapeDataString(template));
        Assert.Equal((400, expected), (code, body));
    }

    [Fact]
    public async Task A_template_that_does_not_parse_is_refused_before_the_grain_is_asked()
    {
        await using var api = await Start();
        var calls = api.Grain.StatusCalls;
        Assert.Equal(400, (await Get(api, "/report?format=" + Uri.EscapeDataString("{{if}}"))).Code);
        Assert.Equal(calls, api.Grain.StatusCalls);
    }

    [Fact]
    public async Task Two_formats_are_refused_and_accept_json_wins_over_a_format()
    {
        await using var api = await Start();
        var twice = await Get(api, "/report?format=a&format=b");
        Assert.Equal((400, "error: must supply one format parameter"), (twice.Code, twice.Body));
        var (code, body, type) = await Get(api, "/report?format=" + Uri.EscapeDataString("{{.Version}}"), acceptJson: true);
        Assert.Equal(200, code);
        Assert.Equal("application/json; charset=utf-8", type);
        Assert.StartsWith("{", body, StringComparison.Ordinal);
    }

    [Fact]
    public void Pending_operations_are_written_in_Weaves_shapes()
    {
        var status = new IpamStatus("00:00:00:00:00:01", "host1", "waiting", "10.32.0.0/12", "1048576", 0, "10.32.0.0/12", new ConsensusInfo(true, 1, 2),
            [], [], ["c1 10.32.0.9/12", "weave:expose 10.40.0.1/12"], ["c2 10.32.0.0/12", "c3 10.9.0.0/24"], null, 0, [], 0, 0);
        var report = WeaveReportBuilder.Build(status, router: null);
        Assert.Equal([new PendingClaimReport("c1", new CidrReport("10.32.0.9", 12)), new PendingClaimReport("weave:expose", new CidrReport("10.40.0.1", 12))],
            report.IPAM.PendingClaims);
        Assert.Equal(["c2 10.32.0.0-10.47.255.255", "c3 10.9.0.0-10.9.0.255"], report.IPAM.PendingAllocates);
        Assert.Equal(new ConsensusInfo(true, 1, 2), report.IPAM.Paxos);
    }
}
