namespace WeaveOrleans.Cli.Tests;

public class ArgumentErrorTests
{
    private static readonly CliRunner Cli = new();

    public static TheoryData<string[], string> BadArguments => new()
    {
        { [], "a command is needed" },
        { ["frobnicate"], "Unrecognized command or argument 'frobnicate'" },
        // A help flag does not turn an unknown verb into the global help (Weave scripts call dns-add ... -h NAME).
        { ["dns-add", "10.0.0.1", "c1", "-h", "x.weave.local"], "Unrecognized command or argument 'dns-add'" },
        { ["frobnicate", "--help"], "Unrecognized command or argument 'frobnicate'" },
        { ["attach"], "Required argument missing" },
        { ["attach", "net:10.0.0.1/24", "c1"], "has host bits set" },
        { ["attach", "c1", "net:default"], "a container name or ID is needed after the addresses" },
        { ["detach"], "Required argument missing" },
        { ["detach", "ip:10.0.0.1", "c1"], "missing /prefix-length" },
        { ["start"], "Required argument missing" },
        { ["start", "net:x/8", "c1"], "invalid CIDR" },
        { ["run"], "Required argument missing" },
        { ["run", "net:default", "-p", "80", "img"], "unsupported docker run option \"-p\"" },
        { ["run", "net:default"], "an image is needed" },
        // Weave's test 330 shape: not a subnet one can allocate in (Weave's router answers 400 and its script exits 1).
        { ["run", "net:10.2.3.2/30", "busybox"], "has host bits set" },
        { ["run", "net:10.2.3.2/31", "busybox"], "at least 4 are needed" },
        { ["expose", "net:10.0.0.0/33"], "prefix length 33" },
        { ["hide", "bogus"], "invalid CIDR" },
        { ["rmpeer"], "Required argument missing" },
        { ["status", "--gateway-port", "0"], "invalid --gateway-port \"0\"" },
        { ["ps", "--gateway-port", "http"], "invalid --gateway-port" },
        { ["prime", "--timeout", "-3"], "invalid --timeout" },
        { ["stop", "extra"], "Unrecognized command or argument 'extra'" },
        { ["reset", "--forse"], "Unrecognized command or argument '--forse'" },
        { ["launch", "--ipalloc-range", "10.0.0.0/99"], "invalid --ipalloc-range" },
        { ["launch", "--bogus"], "unrecognized option \"--bogus\"" },
        { ["launch", "--no-plugin", "--plugin-socket", "/run/docker/plugins/x.sock"], "--no-plugin and --plugin-socket contradict each other" },
        { ["attach", "--bridge", "this-name-is-far-too-long", "c1"], "invalid --bridge" },
    };

    [Theory]
    [MemberData(nameof(BadArguments))]
    public async Task Bad_arguments_give_one_error_line_and_exit_1_as_Weaves_script_does(string[] args, string expected)
    {
        var (code, output, error) = await Cli.Run(args);
        Assert.Equal(1, code);
        Assert.Equal("", output);
        Assert.StartsWith("weave: ", error, StringComparison.Ordinal);
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("launch")]
    [InlineData("stop")]
    [InlineData("reset")]
    [InlineData("rmpeer")]
    [InlineData("prime")]
    [InlineData("status")]
    [InlineData("ps")]
    [InlineData("run")]
    [InlineData("start")]
    [InlineData("attach")]
    [InlineData("detach")]
    [InlineData("expose")]
    [InlineData("hide")]
    public async Task Every_command_has_help(string command)
    {
        var (code, output, _) = await Cli.Run(command, "--help");
        Assert.Equal(0, code);
        // In-process the root command is named after the test host, so look for "Usage: ... COMMAND".
        Assert.Matches($@"Usage:\s+\S+ {command}\b", output);
    }

    [Theory]
    [InlineData("status")]
    [InlineData("ps")]
    [InlineData("prime")]
    [InlineData("expose")]
    [InlineData("rmpeer", "aa:bb:cc:dd:ee:ff")]
    [InlineData("status", "ipam")]
    public async Task Daemon_not_running_is_one_line_naming_the_data_directory(params string[] args)
    {
        var dir = Directory.CreateTempSubdirectory("weave-cli-test-");
        try
        {
            // A socket file left by a daemon killed with -9: nothing answers on it.
            using (var stale = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified))
                stale.Bind(new System.Net.Sockets.UnixDomainSocketEndPoint(Path.Combine(dir.FullName, "weave.sock")));
            var (code, output, error) = await Cli.Run([.. args, "--data-dir", dir.FullName]);
            Assert.Equal(1, code);
            Assert.Equal("", output);
            Assert.Equal($"weave: the weave daemon is not running (nothing answers on {dir.FullName}/weave.sock; data dir {dir.FullName})\n", error);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Stop_without_a_daemon_says_so()
    {
        var dir = Directory.CreateTempSubdirectory("weave-cli-test-");
        try
        {
            var (code, _, error) = await Cli.Run("stop", "--data-dir", dir.FullName);
            Assert.Equal(0, code);
            Assert.Contains("weave is not running", error, StringComparison.Ordinal);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Docker_turned_off_is_one_line()
    {
        var (code, _, error) = await Cli.Run("attach", "c1", "--docker-endpoint", "none");
        Assert.Equal(1, code);
        Assert.Equal("weave: Docker is turned off (--docker-endpoint none)\n", error);
    }

    [Fact]
    public async Task Docker_not_reachable_is_one_line()
    {
        // The daemon holds the Docker client: it says what it could not reach.
        await using var d = await LaunchedDaemon.Start("10.226.0.0/24", "unix:///nonexistent/docker.sock");
        var (code, _, error) = await d.Run("attach", "c1");
        Assert.Equal(1, code);
        Assert.StartsWith("weave: Docker is not reachable at unix:///nonexistent/docker.sock", error, StringComparison.Ordinal);
        Assert.Single(error.TrimEnd('\n').Split('\n'));
    }
}
