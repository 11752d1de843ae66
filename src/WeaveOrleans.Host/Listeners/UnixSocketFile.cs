using System.Net.Sockets;

namespace WeaveOrleans.Host.Listeners;

/// <summary>The file behind a unix socket listener: a stale one is replaced at start, and it is removed at stop.</summary>
public static class UnixSocketFile
{
    /// <summary>Makes the path bindable: creates its directory, removes a socket file nobody answers on.</summary>
    public static void Prepare(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        if (Directory.Exists(path))
            throw new LaunchException($"cannot listen on {path}: it is a directory");
        if (!File.Exists(path))
            return;
        if (new FileInfo(path).Length > 0)
            throw new LaunchException($"cannot listen on {path}: a file that is not a socket is in the way");
        using (var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
        {
            try
            {
                probe.Connect(new UnixDomainSocketEndPoint(path));
                throw new LaunchException($"cannot listen on {path}: another process is serving it (another weave daemon with this socket?)");
            }
            catch (SocketException)
            {
                // Nobody answers: left behind by a daemon that was killed.
            }
        }
        File.Delete(path);
    }

    public static void Remove(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }
}
