using System.CommandLine;
using WeaveOrleans.Network;
using WeaveOrleans.Contract.Api;

namespace WeaveOrleans.Cli;

public sealed partial class WeaveCli
{
    /// <summary>
    /// <c>weave ps [CONTAINER...]</c> in Weave's format, read from the bridge rather than from IPAM: one line per
    /// interface of a container attached to the bridge, <c>ID MAC CIDR...</c>, and <c>weave:expose MAC CIDR...</c>
    /// for the bridge's own addresses. Without arguments: weave:expose, then every running container (by its
    /// 12-character ID); with them, only those, each shown as it was named (cut to 12 characters) as Weave's script
    /// does; one that does not exist, does not run or is not attached prints nothing. No bridge: nothing at all.
    /// </summary>
    private Command PsCommand()
    {
        var command = new Command("ps", "List the containers attached to the bridge (and weave:expose, the bridge's own addresses): ID MAC CIDR...");
        var containers = new Argument<string[]>("CONTAINER") { Description = "Containers (name or ID) or weave:expose; default: weave:expose and every running container", Arity = ArgumentArity.ZeroOrMore };
        command.Arguments.Add(containers);
        command.SetAction(async (parsed, cancellation) =>
        {
            var settings = Settings(parsed);
            var names = parsed.GetValue(containers) ?? [];
            if (names.FirstOrDefault(n => n.StartsWith('-')) is { } unknown)
                throw new CliException($"unrecognized option \"{unknown}\" (see weave ps --help)");
            // The daemon is asked first, also when there is nothing to ask it: a ps that says nothing because the
            // daemon is down would read as "no containers".
            using var client = await DaemonClient.Connect(settings, settings.Timeout, cancellation);
            var inspector = new NetworkInspector();
            NetDevice? bridge = null;
            await NetworkCall(async () => bridge = await inspector.BridgeDevice(settings.Bridge, cancellation));
            if (bridge is null)
                return 0;
            IReadOnlyDictionary<int, int> veths = new Dictionary<int, int>();
            await NetworkCall(async () => veths = await inspector.AttachedVeths(settings.Bridge, cancellation));
            // Nothing attached to the bridge: no container to ask Docker about.
            var askDocker = veths.Count > 0 && !string.Equals(settings.DockerEndpoint, "none", StringComparison.OrdinalIgnoreCase);
            List<(string Shown, ContainerInfo? Info)> targets = names.Length > 0
                ? [.. names.Select(n => (n, (ContainerInfo?)null))]
                : [(ExposeIdent, null), .. askDocker ? (await client.RunningContainers(settings.DockerEndpoint, cancellation)).Select(c => (c.Id, (ContainerInfo?)c)) : []];
            foreach (var (shown, known) in targets)
            {
                if (shown == ExposeIdent)
                {
                    PrintDevice(shown, bridge);
                    continue;
                }
                if (!askDocker)
                    continue;
                var info = known ?? await client.Container(shown, settings.DockerEndpoint, cancellation);
                if (info is not { Running: true, Pid: > 0 })
                    continue;
                IReadOnlyList<NetDevice> devices = [];
                // A container that exits between the listing and this look is simply not shown.
                await NetworkCall(async () => devices = DaemonProcess.IsAlive(info.Pid) ? await inspector.DevicesOnVeths(info.Pid, veths, cancellation) : []);
                foreach (var device in devices)
                    PrintDevice(shown, device);
            }
            return 0;
        });
        return command;
    }

    private void PrintDevice(string shown, NetDevice device) =>
        _out.WriteLine(string.Join(' ', [shown.Length > 12 ? shown[..12] : shown, device.Mac, .. device.Cidrs.Select(c => c.ToString())]));
}
