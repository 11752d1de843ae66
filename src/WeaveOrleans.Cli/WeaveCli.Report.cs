using System.CommandLine;
using System.Net;

namespace WeaveOrleans.Cli;

/// <summary><c>weave report [-f TEMPLATE]</c>: Weave's report document, or one Go template over it.</summary>
public sealed partial class WeaveCli
{
    private Command ReportCommand()
    {
        var command = new Command("report", "Print the daemon's report as JSON (Weave's document), or with -f a Go template over it, e.g. -f '{{.Router.Name}}'.");
        var format = new Option<string?>("--format", "-f") { Description = "Go text/template to run over the report ({{.Field}}, {{range}}, {{if}}, {{json .X}}, {{printf}} ...)" };
        command.Options.Add(format);
        command.SetAction(async (parsed, cancellation) =>
        {
            var template = parsed.GetValue(format);
            var (code, body) = await WithDaemon(Settings(parsed), c => c.GetReport(template, cancellation), cancellation);
            if (code != HttpStatusCode.OK)
                throw new CliException(body.Trim().Length > 0 ? body.Trim() : $"the daemon answered {(int)code}");
            // A template's output is printed exactly as written (scripts compare it); the document gets a final newline.
            _out.Write(template is null && !body.EndsWith('\n') ? body + "\n" : body);
            return 0;
        });
        return command;
    }
}
