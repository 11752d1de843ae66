namespace WeaveOrleans.Docker.Tests;

public class ContainerEventTests
{
    [Theory]
    [InlineData("start", ContainerEventKind.Started)]
    [InlineData("die", ContainerEventKind.Died)]
    [InlineData("destroy", ContainerEventKind.Destroyed)]
    [InlineData("remove", ContainerEventKind.Destroyed)]
    [InlineData("died", ContainerEventKind.Died)]
    public void Maps_container_actions(string action, ContainerEventKind kind)
    {
        var line = $$$"""{"status":"{{{action}}}","id":"abc123","from":"busybox:weave","Type":"container","Action":"{{{action}}}","Actor":{"ID":"abc123","Attributes":{"name":"x"}},"scope":"local","time":1,"timeNano":1}""";
        Assert.Equal(new ContainerEvent(kind, "abc123"), ContainerEvent.Parse(line));
    }

    [Theory]
    [InlineData("""{"Type":"container","Action":"exec_start: sh -c true","Actor":{"ID":"abc"}}""")]
    [InlineData("""{"Type":"container","Action":"kill","Actor":{"ID":"abc"}}""")]
    [InlineData("""{"Type":"network","Action":"destroy","Actor":{"ID":"abc"}}""")]
    [InlineData("""{"Type":"container","Action":"start","Actor":{}}""")]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    [InlineData("")]
    public void Ignores_everything_else(string line) => Assert.Null(ContainerEvent.Parse(line));

    [Fact]
    public void Reads_old_engines_without_type()
    {
        Assert.Equal(new ContainerEvent(ContainerEventKind.Died, "feed"), ContainerEvent.Parse("""{"status":"die","id":"feed","from":"img","time":1}"""));
    }

    [Fact]
    public void Backoff_grows_by_half_up_to_twenty_seconds()
    {
        var options = new DockerBridgeOptions();
        var waits = new List<double>();
        var delay = options.InitialBackoff;
        for (var i = 0; i < 12; i++)
        {
            waits.Add(delay.TotalSeconds);
            delay = options.NextBackoff(delay);
        }
        Assert.Equal([1, 1.5, 2.25, 3.375], waits.Take(4));
        Assert.Equal(20, waits[^1]);
        Assert.All(waits, w => Assert.InRange(w, 1, 20));
    }

    [Fact]
    public void Explicit_endpoint_wins()
    {
        Assert.Equal("unix:///tmp/x.sock", new DockerBridgeOptions { Endpoint = "unix:///tmp/x.sock" }.ResolveEndpoint());
    }
}
