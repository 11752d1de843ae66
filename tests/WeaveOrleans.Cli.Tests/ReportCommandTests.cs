using System.Text.Json;

namespace WeaveOrleans.Cli.Tests;

/// <summary><c>weave report [-f TEMPLATE]</c> and <c>weave version</c> against a launched daemon.</summary>
public sealed class ReportCommandTests
{
    [Fact]
    public async Task Report_prints_Weaves_document_and_runs_templates_over_it()
    {
        await using var d = await LaunchedDaemon.Start("10.253.0.0/24");
        Assert.Equal(0, (await d.Run("prime")).Code);

        Assert.Equal((0, d.PeerName, ""), await d.Run("report", "-f", "{{.Router.Name}}"));
        Assert.Equal((0, "e2e 256 1", ""), await d.Run("report", "--format", "{{.Router.NickName}} {{.IPAM.RangeNumIPs}} {{len .IPAM.Entries}}"));
        Assert.Equal((0, $"{d.PeerName}:256;", ""), await d.Run("report", "-f", "{{range .IPAM.Entries}}{{.Peer}}:{{.Size}};{{end}}"));

        var (code, json, err) = await d.Run("report");
        Assert.Equal((0, ""), (code, err));
        Assert.StartsWith("{\n    \"Ready\": true,\n", json, StringComparison.Ordinal);
        Assert.EndsWith("}\n", json, StringComparison.Ordinal);
        using var document = JsonDocument.Parse(json);
        Assert.Equal(d.PeerName, document.RootElement.GetProperty("Router").GetProperty("Name").GetString());
        Assert.Equal(256, Assert.Single(document.RootElement.GetProperty("IPAM").GetProperty("Entries").EnumerateArray()).GetProperty("Size").GetInt64());

        // weave version's daemon line is the report's Version, as in Weave.
        var version = await d.Run("version");
        Assert.Equal(0, version.Code);
        Assert.Equal($"weave {(await d.Run("report", "-f", "{{.Version}}")).Out}", version.Out.Split('\n')[1]);

        var bad = await d.Run("report", "-f", "{{.Router.Nope}}");
        Assert.Equal((1, ""), (bad.Code, bad.Out));
        Assert.Equal("weave: template: 1:3: executing at <.Router.Nope>: can't evaluate field Nope: no such field at .Router.Nope\n", bad.Err);
        var unparsable = await d.Run("report", "-f", "{{range .Router.Peers}}");
        Assert.Equal(1, unparsable.Code);
        Assert.Single(unparsable.Err.TrimEnd('\n').Split('\n'));
    }
}
