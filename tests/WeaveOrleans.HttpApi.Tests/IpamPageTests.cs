using System.Text.Json;
using System.Text.RegularExpressions;
using WeaveOrleans.Grains;
using WeaveOrleans.Contract.Api;

namespace WeaveOrleans.HttpApi.Tests;

/// <summary>The IPAM page's two routes and the view its script draws (the page as rendered is tested in WeaveOrleans.Host.Tests).</summary>
public sealed partial class IpamPageTests
{
    private const string A = "7e:00:00:00:00:01";
    private const string B = "7e:00:00:00:00:02";
    private const string C = "7e:00:00:00:00:03";

    [Fact]
    public async Task The_page_is_one_html_document_with_no_outside_assets()
    {
        await using var api = await ApiHost.StartAsync(ipamPage: true);
        using var response = await api.Client.GetAsync("/ipam");
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("text/html; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        var html = await response.Content.ReadAsStringAsync();
        Assert.StartsWith("<!DOCTYPE html>", html, StringComparison.Ordinal);
        // Every src, href and url() stays on this daemon: relative, no scheme, no host.
        var references = Reference().Matches(html).Select(m => m.Groups["ref"].Value).ToList();
        Assert.NotEmpty(references);
        Assert.All(references, r => Assert.DoesNotMatch(@"^(?:[a-z]+:|//)", r));
        Assert.DoesNotContain("<script src", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<link", html, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task The_data_route_answers_camel_case_json_from_the_grains_status()
    {
        var grain = new FakeHostAllocator("10.0.3.0/24");
        grain.CreateRing();
        await using var api = await ApiHost.StartAsync(grain, ipamPage: true);
        using var response = await api.Client.GetAsync("/ipam/data");
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = json.RootElement;
        Assert.Equal("10.0.3.0/24", root.GetProperty("range").GetString());
        Assert.Equal("256", root.GetProperty("rangeSize").GetString());
        var share = Assert.Single(root.GetProperty("shares").EnumerateArray());
        Assert.Equal(100.0, share.GetProperty("percent").GetDouble());
        Assert.Equal(JsonValueKind.Array, root.GetProperty("transfers").ValueKind);
    }

    [Fact]
    public void Shares_sum_each_peers_entries_and_mark_this_peer_and_the_unreachable()
    {
        var view = IpamPageView.From(Status(
            entries:
            [
                new RangeEntry("10.0.0.0", "64", A, "a", true, 1, "60"),
                new RangeEntry("10.0.0.64", "64", B, "b", true, 1, "64"),
                new RangeEntry("10.0.0.128", "64", A, "a", true, 2, "4"),
                new RangeEntry("10.0.0.192", "64", C, "c", false, 1, null),
            ]), DateTimeOffset.UnixEpoch);

        Assert.Equal(
            [(A, "128", 50.0, "64", "self"), (B, "64", 25.0, "64", "reachable"), (C, "64", 25.0, null, "unreachable")],
            view.Shares.Select(s => (s.Peer, s.Size, s.Percent, s.Free, s.State)));
        Assert.Equal(["self", "reachable", "self", "unreachable"], view.Segments.Select(s => s.State));
        Assert.All(view.Segments, s => Assert.Equal(0.25, s.Fraction));
    }

    [Fact]
    public void Subnets_carry_their_use_and_transfers_come_newest_first()
    {
        var first = new RangeTransfer(DateTimeOffset.UnixEpoch, RangeTransfer.Donation, B, "b", A, "a", "16", ["10.0.0.64-10.0.0.79"]);
        var second = first with { At = first.At.AddSeconds(5), Kind = RangeTransfer.RemovePeer, From = C };
        var view = IpamPageView.From(Status(
            subnets: [new SubnetSpace("10.0.0.0/24", "256", 128), new SubnetSpace("10.0.0.64/28", "16", 0)],
            transfers: [first, second]), DateTimeOffset.UnixEpoch);

        Assert.Equal([("10.0.0.0/24", 128, 50.0), ("10.0.0.64/28", 0, 0.0)], view.Subnets.Select(s => (s.Subnet, s.Held, s.Percent)));
        Assert.Equal([RangeTransfer.RemovePeer, RangeTransfer.Donation], view.Transfers.Select(t => t.Kind));
    }

    private static IpamStatus Status(RangeEntry[]? entries = null, SubnetSpace[]? subnets = null, RangeTransfer[]? transfers = null) => new(
        A, "a", "ready", "10.0.0.0/24", "256", 3, "10.0.0.0/24", null,
        entries ?? [], [], [], [], null, 0, [B], 1, 25.0, null, Subnets: subnets, Transfers: transfers);

    [GeneratedRegex(@"(?:src|href)\s*=\s*""(?<ref>[^""]*)""|url\((?<ref>[^)]*)\)", RegexOptions.IgnoreCase)]
    private static partial Regex Reference();
}
