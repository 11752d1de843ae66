namespace WeaveOrleans.Grains;

/// <summary>How the host's link to Docker stands, for <c>weave status</c>; registered only when Docker is followed.</summary>
public interface IDockerStatusSource
{
    /// <summary>One line, e.g. "connected to unix:///var/run/docker.sock (engine 20.10.24), 12 container events seen".</summary>
    string Summary();
}
