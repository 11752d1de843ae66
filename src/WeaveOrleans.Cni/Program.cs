using WeaveOrleans.Cni;

// weave-ipam: a CNI IPAM plugin (spec 1.1) whose addresses come from the WeaveOrleans daemon on this host.
// Everything it prints on stdout is a CNI document: a result, or an error {"cniVersion","code","msg"} with a
// non-zero exit. Nothing is kept on disk: the daemon holds every allocation.
using var stdout = Console.OpenStandardOutput();
byte[] input;
try
{
    using var stdin = Console.OpenStandardInput();
    using var buffer = new MemoryStream();
    await stdin.CopyToAsync(buffer);
    input = buffer.ToArray();
}
catch (IOException e)
{
    CniOutput.WriteError(stdout, CniVersions.Latest, new CniException(CniErrorCode.IoFailure, $"cannot read the network configuration from stdin: {e.Message}"));
    return 1;
}
return await CniPlugin.Run(Environment.GetEnvironmentVariable, input, stdout);
