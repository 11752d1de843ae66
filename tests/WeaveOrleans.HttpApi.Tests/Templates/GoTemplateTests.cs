using System.Text.Json;
using WeaveOrleans.HttpApi.Templates;

namespace WeaveOrleans.HttpApi.Tests.Templates;

/// <summary>Each Go template form the report supports, over a small document shaped like Weave's report.</summary>
public sealed class GoTemplateTests
{
    private const string Document = """
        {
          "Ready": true,
          "Version": "0.16.0",
          "Router": {
            "Name": "aa:bb:cc:dd:ee:ff",
            "NickName": "host1",
            "Peers": [
              { "Name": "aa:bb:cc:dd:ee:ff", "NickName": "host1", "Connections": [ { "Address": "10.0.0.2:6783", "Outbound": true } ] },
              { "Name": "11:22:33:44:55:66", "NickName": "host2", "Connections": [] }
            ],
            "Targets": [ "10.0.0.2", "10.0.0.3" ],
            "Attrs": null
          },
          "IPAM": {
            "Paxos": null,
            "RangeNumIPs": 1048576,
            "Entries": [ { "Token": "10.32.0.0", "Size": 524288 }, { "Token": "10.40.0.0", "Size": 524288 } ],
            "PendingClaims": [ { "Ident": "c1", "CIDR": { "Addr": "10.32.0.9", "PrefixLen": 12 } } ],
            "Labels": { "zone": "b", "rack": "a" }
          },
          "Ratio": 1.5,
          "Empty": "",
          "Nothing": []
        }
        """;

    private static string Run(string template, Func<JsonElement, string?>? stringer = null)
    {
        using var document = JsonDocument.Parse(Document);
        return GoTemplate.Parse(template).Execute(document.RootElement, stringer);
    }

    private static string Fails(string template)
    {
        using var document = JsonDocument.Parse(Document);
        var error = Assert.Throws<TemplateException>(() => GoTemplate.Parse(template).Execute(document.RootElement));
        Assert.DoesNotContain('\n', error.Message);
        Assert.StartsWith("template: ", error.Message, StringComparison.Ordinal);
        return error.Message;
    }

    [Theory]
    [InlineData("{{.Router.Name}}", "aa:bb:cc:dd:ee:ff")]
    [InlineData("name={{ .Router.NickName }}!", "name=host1!")]
    [InlineData("{{.Version}}", "0.16.0")]
    [InlineData("{{.Ready}}", "true")]
    [InlineData("{{.IPAM.RangeNumIPs}}", "1048576")]
    [InlineData("{{.Ratio}}", "1.5")]
    [InlineData("{{.IPAM.Paxos}}", "<nil>")]
    [InlineData("{{.Router.Targets}}", "[10.0.0.2 10.0.0.3]")]
    [InlineData("{{(index .IPAM.Entries 0)}}", "{10.32.0.0 524288}")]
    [InlineData("plain text only", "plain text only")]
    [InlineData("", "")]
    public void Fields_and_values_print_as_Go_prints_them(string template, string expected) =>
        Assert.Equal(expected, Run(template));

    [Fact]
    public void Range_sets_dot_to_each_item_and_its_else_runs_for_an_empty_list()
    {
        Assert.Equal("10.0.0.2 10.0.0.3 ", Run("{{range .Router.Targets}}{{.}} {{end}}"));
        Assert.Equal("host1:1 host2:0 ", Run("{{range .Router.Peers}}{{.NickName}}:{{len .Connections}} {{end}}"));
        Assert.Equal("none", Run("{{range .Nothing}}x{{else}}none{{end}}"));
        Assert.Equal("", Run("{{range .IPAM.Paxos}}x{{end}}"));
    }

    [Fact]
    public void Range_declares_index_and_element_and_dollar_is_the_whole_document()
    {
        Assert.Equal("0=10.0.0.2@host1 1=10.0.0.3@host1 ",
            Run("{{range $i, $t := .Router.Targets}}{{$i}}={{$t}}@{{$.Router.NickName}} {{end}}"));
        Assert.Equal("10.32.0.0;10.40.0.0;", Run("{{range $e := .IPAM.Entries}}{{$e.Token}};{{end}}"));
    }

    [Fact]
    public void Range_over_an_object_goes_in_key_order_as_over_a_Go_map() =>
        Assert.Equal("rack=a zone=b ", Run("{{range $k, $v := .IPAM.Labels}}{{$k}}={{$v}} {{end}}"));

    [Theory]
    [InlineData("{{if .Ready}}yes{{else}}no{{end}}", "yes")]
    [InlineData("{{if .Empty}}yes{{else}}no{{end}}", "no")]
    [InlineData("{{if .Nothing}}yes{{else}}no{{end}}", "no")]
    [InlineData("{{if .IPAM.Paxos}}yes{{else if .Router.Targets}}targets{{else}}no{{end}}", "targets")]
    [InlineData("{{if .IPAM.Paxos}}a{{else if .Empty}}b{{else}}c{{end}}", "c")]
    [InlineData("{{if .IPAM}}present{{end}}", "present")]
    [InlineData("{{with .Router}}{{.NickName}}{{end}}", "host1")]
    [InlineData("{{with .IPAM.Paxos}}{{.Elector}}{{else}}no consensus{{end}}", "no consensus")]
    [InlineData("{{if and .Ready (not .Empty)}}ok{{end}}", "ok")]
    [InlineData("{{or .Empty .Router.NickName}}", "host1")]
    [InlineData("{{and .Ready .Empty}}|", "|")]
    [InlineData("{{and .IPAM.Paxos .IPAM.Paxos.Elector}}", "<nil>")]
    [InlineData("{{or .Ready .Nope}} {{.Empty | or .Ready}}", "true true")]
    [InlineData("{{if or .Empty .Nothing}}yes{{else}}no{{end}}", "no")]
    public void If_with_and_the_truth_of_values(string template, string expected) =>
        Assert.Equal(expected, Run(template));

    [Theory]
    [InlineData("{{json .Router.Targets}}", "[\"10.0.0.2\",\"10.0.0.3\"]")]
    [InlineData("{{json .IPAM.Entries}}", "[{\"Token\":\"10.32.0.0\",\"Size\":524288},{\"Token\":\"10.40.0.0\",\"Size\":524288}]")]
    [InlineData("{{json .Router.NickName}}", "\"host1\"")]
    [InlineData("{{json .IPAM.Paxos}}", "null")]
    [InlineData("{{.Router.Targets | json}}", "[\"10.0.0.2\",\"10.0.0.3\"]")]
    [InlineData("{{.IPAM.RangeNumIPs | json}}", "1048576")]
    public void Json_writes_compact_json(string template, string expected) =>
        Assert.Equal(expected, Run(template));

    [Theory]
    [InlineData("{{printf \"%s %d\" .Router.NickName .IPAM.RangeNumIPs}}", "host1 1048576")]
    [InlineData("{{printf \"%v|%q|%t\" .Router.Targets .Router.NickName .Ready}}", "[10.0.0.2 10.0.0.3]|\"host1\"|true")]
    [InlineData("{{printf \"[%8s][%-8s][%5d][%-5d][%05d]\" \"ab\" \"ab\" 42 42 -42}}", "[      ab][ab      ][   42][42   ][-0042]")]
    [InlineData("{{printf \"%x %X %#x %o %b %c\" 255 255 255 8 5 65}}", "ff FF 0xff 10 101 A")]
    [InlineData("{{printf \"%.2f %f %e %g\" .Ratio 2 1500000.0 .Ratio}}", "1.50 2.000000 1.500000e+06 1.5")]
    [InlineData("{{printf \"%.3s|%x|%+d|%5.1f%%\" \"abcdef\" \"hi\" 5 99.44}}", "abc|6869|+5| 99.4%")]
    [InlineData("{{printf \"%d\" .Router.NickName}}", "%!d(string=host1)")]
    [InlineData("{{printf \"%s %s\" \"one\"}}", "one %!s(MISSING)")]
    [InlineData("{{printf \"%s\" \"one\" 2}}", "one%!(EXTRA int=2)")]
    [InlineData("{{printf \"%s\" .Router.Targets}}", "[10.0.0.2 10.0.0.3]")]
    [InlineData("{{printf \"%+v\" (index .IPAM.Entries 1)}}", "{Token:10.40.0.0 Size:524288}")]
    [InlineData("{{printf \"%z\" 1}}", "%!z(int=1)")]
    [InlineData("{{printf \"100%\"}}", "100%!(NOVERB)")]
    [InlineData("{{.Router.NickName | printf \"<%s>\"}}", "<host1>")]
    public void Printf_follows_Gos_verbs_flags_and_markers(string template, string expected) =>
        Assert.Equal(expected, Run(template));

    [Theory]
    [InlineData("{{print \"a\" 1 2 \"b\"}}", "a1 2b")]
    [InlineData("{{println \"a\" 1}}", "a 1\n")]
    [InlineData("{{len .Router.Peers}} {{len .Router.NickName}} {{len .IPAM.Labels}} {{.Router.Targets | len}}", "2 5 2 2")]
    [InlineData("{{index .Router.Targets 1}} {{index .IPAM.Labels \"zone\"}} {{(index .Router.Peers 1).NickName}}", "10.0.0.3 b host2")]
    [InlineData("{{slice .Router.NickName 1 3}} {{slice .Router.Targets 1}}", "os [10.0.0.3]")]
    [InlineData("{{eq .Router.NickName \"host1\"}} {{eq 1 2 1}} {{ne 1 1}} {{lt 1 2}} {{le 2 2}} {{gt \"b\" \"a\"}} {{ge 1 2}}", "true true false true true true false")]
    [InlineData("{{eq .IPAM.RangeNumIPs 1048576}} {{eq .IPAM.Paxos nil}}", "true true")]
    [InlineData("{{html \"<a&'b'>\"}} {{urlquery \"a b&c\"}} {{js \"it's\"}}", "&lt;a&amp;&#39;b&#39;&gt; a+b%26c it\\'s")]
    public void Builtin_functions(string template, string expected) =>
        Assert.Equal(expected, Run(template));

    [Theory]
    [InlineData("{{$n := .Router.NickName}}[{{$n}}]", "[host1]")]
    [InlineData("{{$n := 1}}{{$n = 2}}{{$n}}", "2")]
    [InlineData("{{with $r := .Router}}{{$r.Name}}{{end}}", "aa:bb:cc:dd:ee:ff")]
    [InlineData("{{(index .Router.Peers 0).Connections | len}}", "1")]
    [InlineData("a  {{- .Router.NickName -}}  \n b", "ahost1b")]
    [InlineData("a {{/* a comment */}}b {{- /* trimmed */ -}} c", "a bc")]
    [InlineData("{{`raw \\n`}} {{\"tab\\there\"}}", "raw \\n tab\there")]
    [InlineData("{{0x10}} {{-3}} {{1e3}} {{true}} {{nil}}", "16 -3 1000 true <nil>")]
    public void Variables_parentheses_trim_markers_comments_and_literals(string template, string expected) =>
        Assert.Equal(expected, Run(template));

    [Fact]
    public void An_object_prints_through_the_stringer_when_it_gives_a_form() =>
        Assert.Equal("10.32.0.9/12 [{c1 10.32.0.9/12}]",
            Run("{{range .IPAM.PendingClaims}}{{.CIDR}}{{end}} {{.IPAM.PendingClaims}}",
                e => e.TryGetProperty("Addr", out var a) ? $"{a.GetString()}/{e.GetProperty("PrefixLen").GetInt32()}" : null));

    [Theory]
    [InlineData("{{printList .Router.Peers}}", "1:3: function \"printList\" not defined")]
    [InlineData("{{.Router.Name", "1:1: unclosed action")]
    [InlineData("{{if .Ready}}yes", "unexpected EOF: {{if}} has no {{end}}")]
    [InlineData("yes{{end}}", "1:6: unexpected {{end}}")]
    [InlineData("{{if .Ready}}a{{else}}b{{else}}c{{end}}", "expected end; found {{else}}")]
    [InlineData("{{$x}}", "undefined variable \"$x\"")]
    [InlineData("{{range .Router.Targets}}{{$t := .}}{{end}}{{$t}}", "undefined variable \"$t\"")]
    [InlineData("{{.Router.Name | \"x\"}}", "non executable command in pipeline stage 2")]
    [InlineData("{{}}", "missing value for command")]
    [InlineData("{{define \"x\"}}{{end}}", "{{define}} is not supported")]
    [InlineData("{{'a'}}", "character constants are not supported")]
    [InlineData("{{\"open}}", "unterminated quoted string")]
    [InlineData("{{/* open }}", "unclosed comment")]
    [InlineData("{{.Router.Name .Version}}", "is a value, not a function")]
    [InlineData("{{1 2}}", "can't give argument to non-function 1")]
    public void Bad_templates_are_one_line_errors_naming_the_place(string template, string expected) =>
        Assert.Contains(expected, Fails(template), StringComparison.Ordinal);

    [Theory]
    [InlineData("{{.Router.Foo}}", "1:3: executing at <.Router.Foo>: can't evaluate field Foo: no such field at .Router.Foo")]
    [InlineData("{{.IPAM.Paxos.Elector}}", "nil pointer evaluating .IPAM.Paxos.Elector")]
    [InlineData("{{.Version.Major}}", "can't evaluate field Major in type string")]
    [InlineData("{{index .Router.Targets 5}}", "error calling index: index out of range: 5")]
    [InlineData("{{len .Ready}}", "error calling len: len of type bool")]
    [InlineData("{{not}}", "error calling not: wrong number of args for not: want 1 got 0")]
    [InlineData("{{and}}", "error calling and: wrong number of args for and: want at least 1 got 0")]
    [InlineData("{{and .Ready .Nope}}", "executing at <.Nope>: can't evaluate field Nope")]
    [InlineData("{{lt .Router .Version}}", "error calling lt: invalid type for comparison")]
    [InlineData("{{eq .Ready \"true\"}}", "error calling eq: incompatible types for comparison: bool and string")]
    [InlineData("{{range .Ready}}{{end}}", "range can't iterate over true")]
    [InlineData("line one\n{{range .Router.Peers}}{{.Nope}}{{end}}", "2:26: executing at <.Nope>")]
    public void Execution_errors_are_one_line_naming_the_place_and_the_cause(string template, string expected) =>
        Assert.Contains(expected, Fails(template), StringComparison.Ordinal);

    [Fact]
    public void Output_beyond_the_limit_is_an_error_not_a_truncated_answer()
    {
        var message = Fails("{{range .Router.Targets}}{{range $.Router.Targets}}{{printf \"%999999d%999999d\" 1 2}}{{end}}{{end}}");
        Assert.Contains($"output exceeds {GoTemplate.MaxOutput} characters", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Nesting_beyond_the_limit_is_a_parse_error_not_a_stack_overflow()
    {
        var deep = new string('(', 5000) + "1" + new string(')', 5000);
        Assert.Contains("nests too deep", Fails("{{" + deep + "}}"), StringComparison.Ordinal);
        Assert.Contains("nests too deep", Fails(string.Concat(Enumerable.Repeat("{{if 1}}", 500)) + string.Concat(Enumerable.Repeat("{{end}}", 500))), StringComparison.Ordinal);
    }
}
