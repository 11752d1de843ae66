using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Numerics;
using System.Text.Json;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using WeaveOrleans.Grains;
using Xunit.Abstractions;
using WeaveOrleans.Contract.Api;

namespace WeaveOrleans.Host.Tests;

/// <summary>
/// The operator's IPAM page as a browser shows it: three real daemons in one ring, one of them
/// stopped, the page rendered by headless Chromium (after its script fetched and drew the data) and
/// read back from the DOM.
/// </summary>
public sealed class IpamPageTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(40);
    private static readonly TimeSpan GossipTimeout = TimeSpan.FromSeconds(20);

    private readonly string workDir = Directory.CreateTempSubdirectory("weaver-ipampage-").FullName;
    private readonly List<DaemonProcess> daemons = [];

    [SkippableFact]
    public async Task The_page_shows_each_peers_share_the_unreachable_one_subnet_use_and_the_transfers()
    {
        Skip.If(HeadlessChromium.Binary is null, "chromium is not installed (scripts/install-chromium installs Debian's)");
        var clock = Stopwatch.StartNew();
        var salt = Random.Shared.Next(0x10, 0xff);
        for (var i = 0; i < 3; i++)
            daemons.Add(new DaemonProcess($"7e:00:00:01:{salt:x2}:{i + 1:x2}", $"page{i + 1}", workDir, "10.46.0.0/16", "consensus=3"));
        foreach (var d in daemons)
            d.Peers.AddRange(daemons.Where(o => o != d).Select(o => o.PeerAddress));
        var (a, b, c) = (daemons[0], daemons[1], daemons[2]);
        foreach (var d in daemons)
            d.Start();
        await Task.WhenAll(daemons.Select(d => d.WaitForHttpAsync(StartTimeout)));
        await Task.WhenAll(daemons.Select(d => d.AllocateAsync($"first-{d.Nickname}")));
        await DaemonProcess.PollAsync(async () => (await Task.WhenAll(daemons.Select(d => d.IpamLinesAsync()))).All(l => l.Length == 3),
            GossipTimeout, "every daemon lists 3 peers");
        Log(clock, "ring of 3 formed");

        // A /24 inside b's part of the range: allocating there makes a ask b for it (a donation).
        var subnet = SubnetInside(await ReportAsync(a), b.Name);
        for (var i = 0; i < 3; i++)
            await a.AllocateAsync($"sub-{i}", subnet);
        for (var i = 0; i < 4; i++)
            await a.AllocateAsync($"def-{i}");
        Log(clock, $"a holds 5 addresses in the default subnet and 3 in {subnet}");

        c.Kill();
        var settled = await PollReportAsync(a, s => s.UnreachablePeers == 1
            && s.Entries.Where(e => Same(e.Peer, c.Name)).All(e => !e.IsKnownPeer)
            && (s.Transfers ?? []).Any(t => t.Kind == RangeTransfer.Donation && Same(t.From, b.Name) && Same(t.To, a.Name)),
            "a sees c unreachable and has recorded b's donation");
        Log(clock, "c stopped");

        var (page, ring) = await RenderSteadyAsync(a, settled);
        Log(clock, "page rendered");
        if (Environment.GetEnvironmentVariable("WEAVE_IPAM_SCREENSHOT") is { Length: > 0 } screenshot)
            await HeadlessChromium.ScreenshotAsync(PageUrl(a), screenshot, 1200, 800);

        // Shares: one row per peer with what the ring gives it, a first as this peer, c unreachable.
        var owned = OwnedByPeer(ring);
        var rows = page.QuerySelectorAll("#shares tbody tr[data-peer]");
        Assert.Equal(3, rows.Length);
        foreach (var (d, state) in new[] { (a, "self"), (b, "reachable"), (c, "unreachable") })
        {
            var row = Assert.Single(rows, r => Same(r.GetAttribute("data-peer")!, d.Name));
            Assert.Equal(state, row.GetAttribute("data-state"));
            Assert.Equal(d.Nickname, Cell(row, ".nickname"));
            Assert.Equal(owned[d.Name.ToLowerInvariant()].ToString("N0", CultureInfo.InvariantCulture), Cell(row, ".owned"));
            Assert.Equal(state == "self" ? "this peer" : state, Cell(row, ".state"));
        }
        Assert.Equal(65536, owned.Values.Aggregate(BigInteger.Zero, (x, y) => x + y));
        var percents = rows.Select(r => double.Parse(Cell(r, ".share").TrimEnd('%'), CultureInfo.InvariantCulture)).ToList();
        Assert.InRange(percents.Sum(), 99.8, 100.2);

        // The picture: every ring entry drawn, c's hatched as unreachable and no one else's.
        var segments = page.QuerySelectorAll("#ring .seg");
        Assert.Equal(ring.Entries.Length, segments.Length);
        Assert.All(segments, s => Assert.Equal(Same(s.GetAttribute("data-peer")!, c.Name), s.ClassList.Contains("unreachable")));

        // Subnet use: what a holds in each subnet it allocated in.
        Assert.Equal("5", Cell(SubnetRow(page, "10.46.0.0/16"), ".held"));
        Assert.Equal("3", Cell(SubnetRow(page, subnet), ".held"));
        Assert.Equal("256", Cell(SubnetRow(page, subnet), ".size"));

        // The donations b made to a are listed (one, or more when a asked again before the first arrived).
        var donations = page.QuerySelectorAll("#transfers tbody tr[data-kind='donation']")
            .Where(r => Same(r.GetAttribute("data-from")!, b.Name) && Same(r.GetAttribute("data-to")!, a.Name))
            .ToList();
        Assert.NotEmpty(donations);
        Assert.All(donations, d =>
        {
            Assert.Contains(b.Nickname, Cell(d, ".from"), StringComparison.Ordinal);
            Assert.True(long.Parse(d.QuerySelector(".count")!.GetAttribute("data-value")!, CultureInfo.InvariantCulture) > 0);
        });
        Assert.Equal("none", page.QuerySelector("#pending-allocates li")?.TextContent);

        // rmpeer c through a: the page lists the takeover of everything c owned, and c is gone.
        using (var reply = await a.Http.DeleteAsync($"peer/{Uri.EscapeDataString(c.Name)}"))
            Assert.True(reply.IsSuccessStatusCode, $"rmpeer: {(int)reply.StatusCode} {await reply.Content.ReadAsStringAsync()}");
        var after = await RenderAsync(PageUrl(a));
        var takeover = Assert.Single(after.QuerySelectorAll("#transfers tbody tr[data-kind='rmpeer']"));
        Assert.True(Same(takeover.GetAttribute("data-from")!, c.Name) && Same(takeover.GetAttribute("data-to")!, a.Name), takeover.OuterHtml);
        Assert.Equal(owned[c.Name.ToLowerInvariant()].ToString(CultureInfo.InvariantCulture), takeover.QuerySelector(".count")!.GetAttribute("data-value"));
        Assert.Equal(2, after.QuerySelectorAll("#shares tbody tr[data-peer]").Length);
        Log(clock, "rmpeer listed");

        // The Orleans dashboard's start page links to the page, and the link survives the dashboard's own script.
        var dashboard = await RenderAsync(new Uri($"http://127.0.0.1:{a.DashboardPort}/dashboard/"), requireLoaded: false);
        var link = dashboard.QuerySelector("a#weave-ipam-link");
        Assert.NotNull(link);
        Assert.Equal("/ipam", new Uri(new Uri($"http://127.0.0.1:{a.DashboardPort}/dashboard/"), link.GetAttribute("href")).AbsolutePath);
        Assert.NotNull(dashboard.QuerySelector("#menu"));
        Log(clock, "dashboard links to the page");
    }

    private static Uri PageUrl(DaemonProcess d) => new($"http://127.0.0.1:{d.DashboardPort}/ipam");

    /// <summary>
    /// The page, with the ring it must show: a late donation (a retried request answered after the
    /// allocations were done) may still move a range, so the render counts only if the ring was the
    /// same just before and just after it.
    /// </summary>
    private static async Task<(IDocument Page, IpamStatus Ring)> RenderSteadyAsync(DaemonProcess d, IpamStatus before)
    {
        for (var attempt = 0; ; attempt++)
        {
            var page = await RenderAsync(PageUrl(d));
            var after = await ReportAsync(d);
            if (SameOwners(before, after) || attempt == 2)
                return (page, after);
            before = after;
        }
    }

    private static bool SameOwners(IpamStatus x, IpamStatus y) =>
        x.Entries.Select(e => (e.Token, e.Size, e.Peer)).SequenceEqual(y.Entries.Select(e => (e.Token, e.Size, e.Peer)));

    private static async Task<IDocument> RenderAsync(Uri url, bool requireLoaded = true)
    {
        // The IPAM page draws on its first answer; the dashboard only needs to have run its script.
        var dom = await HeadlessChromium.DumpDomAsync(url, virtualMs: requireLoaded ? 2000 : 1000);
        var document = await new HtmlParser().ParseDocumentAsync(dom);
        // The static page says false; only its script, after drawing an answer, says true.
        if (requireLoaded)
            Assert.True(document.Body?.GetAttribute("data-loaded") == "true", $"the page did not draw any data:\n{dom}");
        return document;
    }

    private static string Cell(IElement row, string selector) =>
        (row.QuerySelector(selector) ?? throw new InvalidOperationException($"no {selector} in {row.OuterHtml}")).TextContent.Trim();

    private static IElement SubnetRow(IDocument page, string subnet) =>
        page.QuerySelectorAll("#subnets tbody tr").SingleOrDefault(r => r.GetAttribute("data-subnet") == subnet)
        ?? throw new InvalidOperationException($"no row for {subnet} in {page.QuerySelector("#subnets")?.OuterHtml}");

    private static bool Same(string x, string y) => string.Equals(x, y, StringComparison.OrdinalIgnoreCase);

    private static Dictionary<string, BigInteger> OwnedByPeer(IpamStatus status) =>
        status.Entries.GroupBy(e => e.Peer.ToLowerInvariant())
            .ToDictionary(g => g.Key, g => g.Aggregate(BigInteger.Zero, (sum, e) => sum + BigInteger.Parse(e.Size, CultureInfo.InvariantCulture)));

    /// <summary>The first whole /24 of the range that lies in one of <paramref name="owner"/>'s entries.</summary>
    private static string SubnetInside(IpamStatus status, string owner)
    {
        foreach (var e in status.Entries.Where(e => Same(e.Peer, owner)))
        {
            var start = ToUInt(IPAddress.Parse(e.Token));
            var end = start + ulong.Parse(e.Size, CultureInfo.InvariantCulture);
            var block = (start + 255) & ~255UL;
            if (block + 256 <= end)
                return $"{new IPAddress(BitConverter.GetBytes((uint)block).Reverse().ToArray())}/24";
        }
        throw new InvalidOperationException($"{owner} owns no whole /24");
    }

    private static ulong ToUInt(IPAddress address) => address.GetAddressBytes().Aggregate(0UL, (n, b) => (n << 8) | b);

    private static async Task<IpamStatus> ReportAsync(DaemonProcess d) =>
        JsonSerializer.Deserialize<IpamStatus>(await d.GetTextAsync("status/json")) ?? throw new InvalidDataException("empty /status/json");

    private static async Task<IpamStatus> PollReportAsync(DaemonProcess d, Func<IpamStatus, bool> condition, string what)
    {
        IpamStatus? last = null;
        await DaemonProcess.PollAsync(async () => condition(last = await ReportAsync(d)), GossipTimeout, what);
        return last!;
    }

    private void Log(Stopwatch clock, string what) => output.WriteLine($"{clock.Elapsed.TotalSeconds,6:0.0}s {what}");

    public void Dispose()
    {
        DaemonProcess.DisposeAll(daemons, workDir, output.WriteLine);
    }
}
