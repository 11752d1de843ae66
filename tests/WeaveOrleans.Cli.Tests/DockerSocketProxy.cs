using System.Net.Sockets;
using System.Text;

namespace WeaveOrleans.Cli.Tests;

/// <summary>
/// A unix socket in front of a real Docker socket, so that a test can cut a daemon's link to Docker (its event
/// stream and every other call) while Docker itself keeps running, and heal it again. While cut, open connections
/// are closed and new ones are closed as soon as they are accepted. It keeps a copy of what went each way, so a
/// test can tell that an event reached the daemon, or that the daemon listed the containers after the heal.
/// </summary>
internal sealed class DockerSocketProxy : IAsyncDisposable
{
    private readonly string _target;
    private readonly string _directory;
    private readonly Socket _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private readonly List<Socket> _open = [];
    private readonly StringBuilder _fromDocker = new();
    private readonly StringBuilder _toDocker = new();
    private readonly Task _accepting;
    private bool _cut;

    private DockerSocketProxy(string target, string directory)
    {
        _target = target;
        _directory = directory;
        Path = System.IO.Path.Combine(directory, "docker.sock");
        _listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        _listener.Bind(new UnixDomainSocketEndPoint(Path));
        _listener.Listen(16);
        _accepting = Accept();
    }

    public string Path { get; }

    public string Endpoint => "unix://" + Path;

    /// <summary>A proxy for <paramref name="dockerEndpoint"/> (unix:///path).</summary>
    public static DockerSocketProxy Start(string dockerEndpoint)
    {
        const string scheme = "unix://";
        if (!dockerEndpoint.StartsWith(scheme, StringComparison.Ordinal))
            throw new ArgumentException($"not a unix socket endpoint: {dockerEndpoint}", nameof(dockerEndpoint));
        // Short: unix socket paths are limited to 108 bytes.
        var dir = Directory.CreateTempSubdirectory("wo-px").FullName;
        return new DockerSocketProxy(dockerEndpoint[scheme.Length..], dir);
    }

    /// <summary>Everything Docker sent through the proxy so far.</summary>
    public string FromDocker { get { lock (_gate) return _fromDocker.ToString(); } }

    /// <summary>Everything sent to Docker through the proxy so far.</summary>
    public string ToDocker { get { lock (_gate) return _toDocker.ToString(); } }

    /// <summary>Closes every connection through the proxy and refuses new ones until <see cref="Heal"/>.</summary>
    public void Cut()
    {
        List<Socket> open;
        lock (_gate)
        {
            _cut = true;
            open = [.. _open];
            _open.Clear();
        }
        foreach (var s in open)
            Close(s);
    }

    public void Heal()
    {
        lock (_gate) _cut = false;
    }

    private async Task Accept()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            bool cut;
            lock (_gate) cut = _cut;
            if (cut)
            {
                Close(client);
                continue;
            }
            var docker = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            try
            {
                await docker.ConnectAsync(new UnixDomainSocketEndPoint(_target), _stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException)
            {
                Close(client);
                Close(docker);
                continue;
            }
            lock (_gate)
            {
                _open.Add(client);
                _open.Add(docker);
            }
            _ = Pump(client, docker, _toDocker);
            _ = Pump(docker, client, _fromDocker);
        }
    }

    private async Task Pump(Socket from, Socket to, StringBuilder copy)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var n = await from.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
                if (n == 0)
                    break;
                lock (_gate) copy.Append(Encoding.UTF8.GetString(buffer, 0, n));
                await to.SendAsync(buffer.AsMemory(0, n), SocketFlags.None, _stop.Token);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
        lock (_gate)
        {
            _open.Remove(from);
            _open.Remove(to);
        }
        Close(from);
        Close(to);
    }

    private static void Close(Socket s)
    {
        try
        {
            s.Shutdown(SocketShutdown.Both);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
        }
        s.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Dispose();
        await _accepting;
        Cut();
        _stop.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
