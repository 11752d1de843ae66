using System.CommandLine;
using System.Net;
using WeaveOrleans.Contract;

namespace WeaveOrleans.Cli;

/// <summary>The router commands Weave users script against: connect, forget, version, and the text forms of status.</summary>
public sealed partial class WeaveCli
{
    private Command ConnectCommand()
    {
        var command = new Command("connect", "Add peers to dial (host[:port]); with --replace, forget every other peer first. Stored in the data dir.");
        var replace = new Option<bool>("--replace") { Description = "Replace the peers with these (with none: forget them all)" };
        var peers = new Argument<string[]>("PEER") { Arity = ArgumentArity.ZeroOrMore };
        command.Options.Add(replace);
        command.Arguments.Add(peers);
        command.SetAction(async (parsed, cancellation) =>
        {
            var list = parsed.GetValue(peers) ?? [];
            var replacing = parsed.GetValue(replace);
            if (list.Length == 0 && !replacing)
                throw new CliException("connect needs at least one PEER (host[:port]), or --replace");
            var form = new List<KeyValuePair<string, string>>();
            if (replacing)
                form.Add(new("replace", "true"));
            form.AddRange(list.Select(p => new KeyValuePair<string, string>("peer", p)));
            await WithDaemon(Settings(parsed), async c =>
            {
                await c.PostForm("connect", form, cancellation);
                return 0;
            }, cancellation);
            return 0;
        });
        return command;
    }

    private Command ForgetCommand()
    {
        var command = new Command("forget", "Stop dialling these peers (host[:port]); connections that are up stay until they drop.");
        var peers = new Argument<string[]>("PEER") { Arity = ArgumentArity.OneOrMore };
        command.Arguments.Add(peers);
        command.SetAction(async (parsed, cancellation) =>
        {
            var form = (parsed.GetValue(peers) ?? []).Select(p => new KeyValuePair<string, string>("peer", p)).ToList();
            await WithDaemon(Settings(parsed), async c =>
            {
                await c.PostForm("forget", form, cancellation);
                return 0;
            }, cancellation);
            return 0;
        });
        return command;
    }

    /// <summary>Weave's two lines: this command's version, then the daemon's (this build's when no daemon answers).</summary>
    private Command VersionCommand()
    {
        var command = new Command("version", "Print the version of this command and of the running daemon.");
        command.SetAction(async (parsed, cancellation) =>
        {
            _out.WriteLine($"weave script {WeaveVersion.Current}");
            var daemon = WeaveVersion.Current;
            using (var client = await DaemonClient.TryConnect(Settings(parsed), TimeSpan.FromSeconds(10), cancellation))
                if (client is not null)
                {
                    // As Weave's script asks: the report's Version field.
                    var (code, body) = await client.GetReport("{{.Version}}", cancellation);
                    if (code == HttpStatusCode.OK && body.Trim().Length > 0)
                        daemon = body.Trim();
                }
            _out.WriteLine($"weave {daemon}");
            return 0;
        });
        return command;
    }

    /// <summary><c>weave status</c> and its text sub-commands: the daemon's text as Weave prints it; not ready (503) goes to stderr with exit 1.</summary>
    private async Task<int> PrintStatusText(ParseResult parsed, string path, bool framed, CancellationToken cancellation)
    {
        var (code, body) = await WithDaemon(Settings(parsed), c => c.GetText(path, cancellation), cancellation);
        if (code != HttpStatusCode.OK)
        {
            _err.Write(body.Length > 0 ? body : $"weave: the daemon answered {(int)code}\n");
            return 1;
        }
        if (framed)
            _out.WriteLine();
        _out.Write(body);
        if (framed)
            _out.WriteLine();
        return 0;
    }

    private void AddRouterStatusCommands(Command status)
    {
        foreach (var (name, description) in new[]
        {
            ("peers", "List this peer and its connections, then the peers it is connected to."),
            ("connections", "List connections and the targets not connected, with their state."),
            ("targets", "List the peers this host dials (launch peers and connect, less forget)."),
        })
        {
            var sub = new Command(name, description);
            sub.SetAction((parsed, cancellation) => PrintStatusText(parsed, $"status/{name}", framed: false, cancellation));
            status.Subcommands.Add(sub);
        }
    }
}
