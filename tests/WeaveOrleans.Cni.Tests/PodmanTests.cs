using System.Net;

namespace WeaveOrleans.Cni.Tests;

/// <summary>
/// Debian's podman with its CNI backend starts a container on a bridge network whose IPAM is weave-ipam. podman
/// runs under <c>nsenter --net=</c> of a test-made namespace (its bridge is made there), with a private
/// containers.conf (no systemd here: cgroupfs, file events), private storage and an image imported from
/// Debian's busybox-static (no registry).
/// </summary>
[Collection(CniDaemonCollection.Name)]
public sealed class PodmanTests(CniDaemon daemon)
{
    private const string Subnet = "10.87.101.0/24";

    [SkippableFact]
    public async Task A_container_started_by_podman_carries_an_address_from_the_daemon_released_at_rm()
    {
        CniTools.Dir();
        CniTools.RequireRoot();
        var network = CniTools.UniqueName("pcni");
        var work = Directory.CreateTempSubdirectory("wcni-podman-").FullName;
        await using var host = await NetNamespace.Create("wcp");
        try
        {
            var podman = await Podman.Create(work, host);
            await File.WriteAllTextAsync(Path.Combine(podman.ConfigDir, network + ".conflist"), $$$"""
                {"cniVersion":"1.0.0","name":"{{{network}}}","plugins":[
                  {"type":"bridge","bridge":"{{{CniTools.UniqueName("wcpb")}}}","isGateway":true,
                   "ipam":{"type":"weave-ipam","socket":"{{{daemon.Socket}}}","subnet":"{{{Subnet}}}","gateway":true}}]}
                """);

            var id = (await podman.Ok("run", "-d", "--ulimit", "nofile=20000:20000", "--ulimit", "nproc=1024:1024",
                "--network", network, Podman.Image, "/bin/sleep", "600")).Trim();
            try
            {
                var inside = await podman.Ok("exec", id, "/bin/ip", "-4", "-o", "addr", "show", "dev", "eth0");
                var address = inside.Split(' ', StringSplitOptions.RemoveEmptyEntries).SkipWhile(f => f != "inet").ElementAt(1);
                Assert.True(IPNetwork.Parse(Subnet).Contains(IPAddress.Parse(address.Split('/')[0])), inside);
                // podman passes its own container ID: the daemon holds exactly that address for this attachment.
                Assert.Equal([address], (await daemon.OwnedAsync())[$"cni:{network}:{id}:eth0"]);
            }
            finally
            {
                await podman.Ok("rm", "-f", "-t", "0", id);
            }
            Assert.Equal([$"cni:{network}:gateway"], (await daemon.OwnedOnAsync(network)).Keys);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>podman with everything of its own under one directory.</summary>
    private sealed class Podman
    {
        public const string Image = "localhost/wcni-busybox:1";

        private readonly string _work;
        private readonly NetNamespace _host;

        private Podman(string work, NetNamespace host)
        {
            _work = work;
            _host = host;
        }

        public string ConfigDir => Path.Combine(_work, "cni-conf");

        public static async Task<Podman> Create(string work, NetNamespace host)
        {
            var podman = new Podman(work, host);
            foreach (var d in new[] { "cni-conf", "root", "runroot", "tmp", "image/bin" })
                Directory.CreateDirectory(Path.Combine(work, d));
            await File.WriteAllTextAsync(Path.Combine(work, "containers.conf"), $"""
                [engine]
                cgroup_manager = "cgroupfs"
                events_logger = "file"
                events_logfile_path = "{work}/events.log"
                runtime = "runc"
                tmp_dir = "{work}/tmp"
                [network]
                network_backend = "cni"
                cni_plugin_dirs = ["{CniTools.Dir()}"]
                network_config_dir = "{podman.ConfigDir}"
                """);
            var bin = Path.Combine(work, "image", "bin");
            File.Copy("/bin/busybox", Path.Combine(bin, "busybox"));
            foreach (var applet in new[] { "sh", "ip", "sleep" })
                File.CreateSymbolicLink(Path.Combine(bin, applet), "busybox");
            var tar = Path.Combine(work, "busybox.tar");
            await ProcessRun.Ok("tar", "-C", Path.Combine(work, "image"), "-cf", tar, ".");
            await podman.Ok("import", tar, Image);
            return podman;
        }

        public async Task<string> Ok(params string[] args)
        {
            string[] all =
            [
                $"--net={_host.Path}", "podman", "--root", Path.Combine(_work, "root"), "--runroot", Path.Combine(_work, "runroot"),
                "--storage-driver", "vfs", "--runtime", "runc", "--network-backend", "cni", "--network-config-dir", ConfigDir, .. args,
            ];
            var r = await ProcessRun.Run("nsenter", all, null,
                new Dictionary<string, string?> { ["CONTAINERS_CONF"] = Path.Combine(_work, "containers.conf") }, TimeSpan.FromSeconds(60));
            Assert.True(r.ExitCode == 0, $"podman {string.Join(' ', args)}: {r}");
            return r.Stdout;
        }
    }
}
