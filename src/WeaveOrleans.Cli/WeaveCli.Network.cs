using System.CommandLine;
using WeaveOrleans.Ipam.Addresses;
using WeaveOrleans.Network;
using WeaveOrleans.Contract.Api;

namespace WeaveOrleans.Cli;

public sealed partial class WeaveCli
{
    private const string AddressHelp = "Addresses: none or net:default (allocate in the default subnet), net:CIDR (allocate in CIDR), ip:CIDR or CIDR (claim that address).";

    private Command AttachCommand()
    {
        var command = new Command("attach", "Give a running container addresses on the weave network. " + AddressHelp);
        var args = new Argument<string[]>("ADDR... CONTAINER") { Arity = ArgumentArity.OneOrMore };
        command.Arguments.Add(args);
        command.SetAction(async (parsed, cancellation) =>
        {
            var (specs, container) = SplitContainer(parsed.GetValue(args) ?? []);
            var settings = DockerSettings(parsed);
            using var client = await DaemonClient.Connect(settings, settings.Timeout + TimeSpan.FromSeconds(10), cancellation);
            var info = await ResolveRunning(client, settings, container, cancellation);
            await AttachContainer(client, settings, info, specs, cancellation);
            return 0;
        });
        return command;
    }

    private Command StartCommand()
    {
        var command = new Command("start", "Start a stopped container with Docker, then attach it. " + AddressHelp);
        var args = new Argument<string[]>("ADDR... CONTAINER") { Arity = ArgumentArity.OneOrMore };
        command.Arguments.Add(args);
        command.SetAction(async (parsed, cancellation) =>
        {
            var (specs, container) = SplitContainer(parsed.GetValue(args) ?? []);
            var settings = DockerSettings(parsed);
            using var client = await DaemonClient.Connect(settings, settings.Timeout + TimeSpan.FromSeconds(10), cancellation);
            var info = await client.StartContainer(container, settings.DockerEndpoint, cancellation);
            if (!info.Running || info.Pid <= 0)
                throw new CliException($"container {container} is not running");
            await AttachContainer(client, settings, info, specs, cancellation);
            return 0;
        });
        return command;
    }

    private Command RunCommand()
    {
        var command = new Command("run", "Create and start a container with Docker (no Docker networking), then attach it; prints its ID. " +
            "DOCKER-RUN-ARGS: [--name NAME] [-d] IMAGE [COMMAND...]. " + AddressHelp);
        var args = new Argument<string[]>("ADDR... DOCKER-RUN-ARGS") { Arity = ArgumentArity.OneOrMore };
        command.Arguments.Add(args);
        command.SetAction(async (parsed, cancellation) =>
        {
            var all = parsed.GetValue(args) ?? [];
            var addressCount = all.TakeWhile(AddressSpec.LooksLikeAddress).Count();
            var specs = AddressSpec.ParseAll(all.Take(addressCount));
            var (name, image, cmd) = ParseDockerRun(all.Skip(addressCount).ToList());
            var settings = DockerSettings(parsed);
            using var client = await DaemonClient.Connect(settings, settings.Timeout + TimeSpan.FromSeconds(10), cancellation);
            var info = await client.RunContainer(new ContainerRunRequest(image, cmd, name), settings.DockerEndpoint, cancellation);
            _out.WriteLine(info.Id);
            try
            {
                await AttachContainer(client, settings, info, specs, cancellation, print: false);
            }
            catch
            {
                _err.WriteLine($"weave: container {info.Id[..12]} is running but not attached");
                throw;
            }
            return 0;
        });
        return command;
    }

    internal static (string? Name, string Image, IReadOnlyList<string> Command) ParseDockerRun(IReadOnlyList<string> args)
    {
        string? name = null;
        var i = 0;
        for (; i < args.Count && args[i].StartsWith('-'); i++)
        {
            var a = args[i];
            if (a is "-d" or "--detach")
                continue;
            if (a == "--name" && i + 1 < args.Count)
                name = args[++i];
            else if (a.StartsWith("--name=", StringComparison.Ordinal))
                name = a["--name=".Length..];
            else
                throw new CliException($"run: unsupported docker run option \"{a}\" (supported: --name NAME, -d)");
        }
        if (i >= args.Count)
            throw new CliException("run: an image is needed (weave run [ADDR...] [--name NAME] IMAGE [COMMAND...])");
        return (name, args[i], args.Skip(i + 1).ToList());
    }

    private Command DetachCommand()
    {
        var command = new Command("detach", "Remove addresses from a container and release those IPAM allocated. " + AddressHelp);
        var args = new Argument<string[]>("ADDR... CONTAINER") { Arity = ArgumentArity.OneOrMore };
        command.Arguments.Add(args);
        command.SetAction(async (parsed, cancellation) =>
        {
            var (specs, container) = SplitContainer(parsed.GetValue(args) ?? []);
            var settings = DockerSettings(parsed);
            using var client = await DaemonClient.Connect(settings, settings.Timeout, cancellation);
            var info = await ResolveRunning(client, settings, container, cancellation);
            await Release(client, info.Id, specs,
                remove => NetworkCall(() => new NetworkAttacher().Detach(info.Pid, Typed(remove), cancellation: cancellation)));
            return 0;
        });
        return command;
    }

    private Command ExposeCommand()
    {
        var command = new Command("expose", "Give this host addresses on the weave network (on the bridge). " + AddressHelp);
        var args = new Argument<string[]>("ADDR") { Arity = ArgumentArity.ZeroOrMore };
        command.Arguments.Add(args);
        command.SetAction(async (parsed, cancellation) =>
        {
            var specs = AddressSpec.ParseAll(parsed.GetValue(args) ?? []);
            var settings = Settings(parsed);
            using var client = await DaemonClient.Connect(settings, settings.Timeout + TimeSpan.FromSeconds(10), cancellation);
            var cidrs = await Acquire(client, settings, ExposeIdent, specs, isContainer: false, cancellation);
            var attacher = new NetworkAttacher();
            await NetworkCall(() => attacher.EnsureBridge(settings.Bridge, cancellation));
            foreach (var cidr in cidrs)
                await NetworkCall(() => attacher.Expose(Cidr.Parse(cidr), settings.Bridge, cancellation));
            _out.WriteLine(BareAddresses(cidrs));
            return 0;
        });
        return command;
    }

    private Command HideCommand()
    {
        var command = new Command("hide", "Remove this host's addresses from the bridge and release those IPAM allocated. " + AddressHelp);
        var args = new Argument<string[]>("ADDR") { Arity = ArgumentArity.ZeroOrMore };
        command.Arguments.Add(args);
        command.SetAction(async (parsed, cancellation) =>
        {
            var specs = AddressSpec.ParseAll(parsed.GetValue(args) ?? []);
            var settings = Settings(parsed);
            using var client = await DaemonClient.Connect(settings, settings.Timeout, cancellation);
            var attacher = new NetworkAttacher();
            await Release(client, ExposeIdent, specs, async remove =>
            {
                foreach (var cidr in remove)
                    await NetworkCall(() => attacher.Hide(Cidr.Parse(cidr), settings.Bridge, cancellation));
            });
            return 0;
        });
        return command;
    }

    /// <summary>Splits "ADDR... CONTAINER": the last argument is the container, the others are addresses.</summary>
    internal static (IReadOnlyList<AddressSpec> Specs, string Container) SplitContainer(string[] args)
    {
        if (args.Length == 0)
            throw new CliException("a container name or ID is needed");
        var container = args[^1];
        if (container.StartsWith('-'))
            throw new CliException($"unrecognized option \"{container}\"");
        if (AddressSpec.LooksLikeAddress(container) && container.Contains(':'))
            throw new CliException($"a container name or ID is needed after the addresses (\"{container}\" is an address)");
        return (AddressSpec.ParseAll(args[..^1]), container);
    }

    private async Task AttachContainer(DaemonClient client, CliSettings settings, ContainerInfo info, IReadOnlyList<AddressSpec> specs, CancellationToken cancellation, bool print = true)
    {
        var cidrs = await Acquire(client, settings, info.Id, specs, isContainer: true, cancellation);
        var attacher = new NetworkAttacher();
        await NetworkCall(() => attacher.EnsureBridge(settings.Bridge, cancellation));
        await NetworkCall(() => attacher.Attach(info.Pid, Typed(cidrs), bridge: settings.Bridge, containerId: info.Id, cancellation: cancellation));
        if (print)
            _out.WriteLine(BareAddresses(cidrs));
    }

    /// <summary>Allocates or claims every address for <paramref name="ident"/>; returns them as "a.b.c.d/len".</summary>
    private static async Task<List<string>> Acquire(DaemonClient client, CliSettings settings, string ident, IReadOnlyList<AddressSpec> specs, bool isContainer, CancellationToken cancellation)
    {
        var result = new List<string>();
        foreach (var spec in specs)
        {
            var reply = spec.Kind switch
            {
                AddressKind.Address => await Waiting(client, settings, ct => client.Claim(ident, spec.Cidr!, isContainer, noErrorOnUnknown: false, ct), $"{spec.Cidr}", cancellation),
                _ => await Waiting(client, settings, ct => client.Allocate(ident, spec.Cidr, isContainer, ct), $"an address in {(spec.Cidr ?? "the default subnet")}", cancellation),
            };
            if (!reply.IsOk)
                throw new CliException($"{spec}: {reply.Error ?? reply.Text ?? reply.Kind.ToString()}");
            var address = reply.Address ?? spec.Cidr ?? throw new CliException($"{spec}: the daemon returned no address");
            if (!result.Contains(address))
                result.Add(address);
        }
        return result;
    }

    /// <summary>
    /// detach and hide: takes the addresses off the interface (<paramref name="unplug"/>), then frees in IPAM
    /// those IPAM recorded for the ident, and prints what was taken off (bare addresses, as Weave).
    /// </summary>
    private async Task Release(DaemonClient client, string ident, IReadOnlyList<AddressSpec> specs, Func<List<string>, Task> unplug)
    {
        var (remove, free) = await AddressesToRelease(client, ident, specs);
        // What is freed is always taken off too, so nothing taken off means nothing to free (and, as Weave, an empty line).
        if (remove.Count > 0)
        {
            await unplug(remove);
            await Free(client, ident, free);
        }
        _out.WriteLine(BareAddresses(remove));
    }

    /// <summary>
    /// What detach/hide take away: <c>Remove</c> from the interface, <c>Free</c> in IPAM (only addresses IPAM
    /// recorded for the ident). No arguments means net:default, as in Weave: the ident's addresses in the default
    /// subnet only, so that a bare detach never frees what was claimed or allocated in another subnet.
    /// </summary>
    private static async Task<(List<string> Remove, List<string> Free)> AddressesToRelease(DaemonClient client, string ident, IReadOnlyList<AddressSpec> specs)
    {
        var owned = await client.Lookup(ident, null);
        var remove = new List<string>();
        var free = new List<string>();
        void Add(string cidr, bool allocated)
        {
            if (!remove.Contains(cidr))
                remove.Add(cidr);
            if (allocated && !free.Contains(cidr))
                free.Add(cidr);
        }
        foreach (var spec in specs)
        {
            switch (spec.Kind)
            {
                case AddressKind.DefaultSubnet:
                    var status = await client.Status();
                    foreach (var a in await client.Lookup(ident, status.DefaultSubnet))
                        Add(a, true);
                    break;
                case AddressKind.Subnet:
                    foreach (var a in await client.Lookup(ident, spec.Cidr))
                        Add(a, true);
                    break;
                default:
                    Add(spec.Cidr!, owned.Contains(spec.Cidr!));
                    break;
            }
        }
        return (remove, free);
    }

    private static async Task Free(DaemonClient client, string ident, IEnumerable<string> cidrs)
    {
        foreach (var cidr in cidrs)
        {
            var reply = await client.Free(ident, cidr);
            if (!reply.IsOk)
                throw new CliException($"releasing {cidr}: {reply.Error}");
        }
    }

    /// <summary>
    /// The settings of a command that needs Docker. The daemon holds the Docker client; <c>--docker-endpoint none</c>
    /// refuses here, before anything is asked, and any other endpoint given is checked against the daemon's.
    /// </summary>
    private CliSettings DockerSettings(ParseResult parsed)
    {
        var settings = Settings(parsed);
        if (string.Equals(settings.DockerEndpoint, "none", StringComparison.OrdinalIgnoreCase))
            throw new CliException("Docker is turned off (--docker-endpoint none)");
        return settings;
    }

    private static async Task<ContainerInfo> ResolveRunning(DaemonClient client, CliSettings settings, string container, CancellationToken cancellation)
    {
        var info = await client.Container(container, settings.DockerEndpoint, cancellation)
            ?? throw new CliException($"no such container: {container}");
        if (!info.Running || info.Pid <= 0)
            throw new CliException($"container {container} is not running");
        return info;
    }

    /// <summary>What attach, detach, expose and hide print, as Weave's script does: the addresses without their prefix lengths.</summary>
    internal static string BareAddresses(IEnumerable<string> cidrs) =>
        string.Join(' ', cidrs.Select(c => c.IndexOf('/', StringComparison.Ordinal) is var slash and > 0 ? c[..slash] : c));

    /// <summary>The daemon's answers as typed addresses for the attacher (a malformed one fails as one line, in <see cref="NetworkCall"/>).</summary>
    private static List<Cidr> Typed(IEnumerable<string> cidrs) => [.. cidrs.Select(Cidr.Parse)];

    private static async Task NetworkCall(Func<Task> call)
    {
        try
        {
            await call();
        }
        catch (Exception e) when (e is NetworkAttachException or ArgumentException or FormatException or UnauthorizedAccessException or PlatformNotSupportedException or IOException)
        {
            throw new CliException(e.Message);
        }
    }
}
