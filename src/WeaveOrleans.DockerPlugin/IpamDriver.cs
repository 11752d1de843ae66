using WeaveOrleans.Grains;
using WeaveOrleans.Ipam.Addresses;
using WeaveOrleans.Contract.Text;

namespace WeaveOrleans.DockerPlugin;

/// <summary>
/// Docker's remote IPAM driver over this host's allocator grain. Every address Docker asks for is
/// an ordinary allocation or claim in the ring (so no other front-end on any host hands it out),
/// made under an ident of its own (<see cref="DockerIdents"/>) and not marked as a container: Docker
/// releases it itself, and Docker's container events must not. Pools are not recorded anywhere:
/// the pool ID carries the subnet (<see cref="PoolId"/>).
/// </summary>
public sealed class IpamDriver(IHostAllocatorAccessor allocator, DockerPluginOptions options)
{
    /// <summary>The address type libnetwork puts in the options of the request for a network's gateway.</summary>
    public const string GatewayRequest = "com.docker.network.gateway";

    public const string RequestAddressType = "RequestAddressType";

    public const string LocalAddressSpace = "weavelocal";
    public const string GlobalAddressSpace = "weaveglobal";

    // The range and the default subnet are launch configuration: read once, then kept (a
    // reference, so concurrent requests never see half of it).
    private volatile RangeLayout? _layout;

    private sealed record RangeLayout(Cidr Range, Cidr DefaultSubnet);

    private IHostAllocatorGrain Grain => allocator.Grain;

    public async Task<RequestPoolResponse> RequestPool(RequestPoolRequest request)
    {
        var (range, defaultSubnet) = await Layout();
        Cidr subnet;
        if (string.IsNullOrWhiteSpace(request.Pool))
        {
            if (!string.IsNullOrWhiteSpace(request.SubPool))
                throw PluginError.Invalid("an IP range (SubPool) needs a subnet (Pool) to lie in");
            subnet = defaultSubnet;
            if (request.V6 == subnet.Address.IsV4)
                throw PluginError.Invalid($"no {(request.V6 ? "IPv6" : "IPv4")} default pool: the default subnet is {subnet}; give --subnet");
        }
        else
        {
            subnet = ParseSubnet("subnet", request.Pool);
            if (!range.Range.Contains(subnet.Range))
                throw PluginError.Invalid($"subnet {subnet} is not inside the range {range} that weave allocates from (--ipalloc-range)");
        }
        Cidr? subPool = null;
        if (!string.IsNullOrWhiteSpace(request.SubPool))
        {
            var sub = ParseSubnet("IP range", request.SubPool);
            if (!subnet.Range.Contains(sub.Range))
                throw PluginError.Invalid($"IP range {sub} is not inside the subnet {subnet}");
            subPool = sub;
        }
        var pool = new PoolId(subnet, subPool);
        // No gateway in Data: dockerd then asks for one, which is allocated like any address (else
        // a container could be given the bridge's own address).
        return new RequestPoolResponse(pool.ToString(), subnet.ToString(), []);
    }

    public Task<EmptyResponse> ReleasePool(ReleasePoolRequest request)
    {
        // Each address, the gateway too, is released by its own ReleaseAddress before this.
        PoolId.Parse(request.PoolID);
        return Task.FromResult(new EmptyResponse());
    }

    public async Task<RequestAddressResponse> RequestAddress(RequestAddressRequest request, CancellationToken cancellation)
    {
        var pool = PoolId.Parse(request.PoolID);
        await CheckInsideRange(pool.Subnet);
        var gateway = request.Options is { } o && o.TryGetValue(RequestAddressType, out var type) && type == GatewayRequest;
        var ident = gateway ? DockerIdents.NewGateway() : DockerIdents.NewEndpoint();
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        bounded.CancelAfter(options.AllocationTimeout);

        IpamReply reply;
        if (string.IsNullOrWhiteSpace(request.Address))
            reply = await Grain.Allocate(ident, pool.AllocateIn, isContainer: false, bounded.Token);
        else
        {
            var address = ParseAddress(request.Address);
            if (!pool.Subnet.HostRange.Contains(address))
                throw PluginError.Invalid(pool.Subnet.Range.Contains(address)
                    ? $"address {address} is the network or broadcast address of pool {pool.Subnet}"
                    : $"address {address} is outside pool {pool.Subnet}");
            reply = await Grain.Claim(ident, pool.Subnet.WithAddress(address), isContainer: false, noErrorOnUnknown: false, bounded.Token);
        }

        if (reply.Kind == IpamReplyKind.Cancelled)
            throw PluginError.Unavailable(
                $"no address in {pool.AllocateIn} within {options.AllocationTimeout.TotalSeconds:0} s: is there a ring yet, and free space (weave status ipam)?");
        if (!reply.IsOk || reply.Address is not { } held)
            throw PluginError.Refused(OneLine.Of(reply.Error ?? "IPAM refused"));
        // Allocated in the IP range, the address still belongs to the network's subnet.
        return new RequestAddressResponse(pool.Subnet.WithAddress(held.Address).ToString(), []);
    }

    public async Task<EmptyResponse> ReleaseAddress(ReleaseAddressRequest request)
    {
        var pool = PoolId.Parse(request.PoolID);
        if (string.IsNullOrWhiteSpace(request.Address))
            throw PluginError.Invalid("missing Address to release");
        var address = ParseAddress(request.Address);
        if (!pool.Subnet.Range.Contains(address))
            throw PluginError.Invalid($"address {address} is outside pool {pool.Subnet}");
        // Nothing holds it: released already (Docker may ask again after a restart).
        if (await Grain.HolderOf(address) is not { } holder)
            return new EmptyResponse();
        if (!DockerIdents.IsDocker(holder))
            throw PluginError.Refused($"address {address} is held by {OneLine.Of(holder)}, not by Docker: it is left as it is");
        var reply = await Grain.Free(holder, address);
        if (!reply.IsOk)
            throw PluginError.Refused(OneLine.Of(reply.Error ?? "IPAM refused to free it"));
        return new EmptyResponse();
    }

    private async Task CheckInsideRange(Cidr subnet)
    {
        var (range, _) = await Layout();
        if (!range.Range.Contains(subnet.Range))
            throw PluginError.Invalid($"pool {subnet} is not inside the range {range} that weave allocates from");
    }

    private async Task<RangeLayout> Layout()
    {
        if (_layout is { } known)
            return known;
        var status = await Grain.Status();
        return _layout = new RangeLayout(Cidr.Parse(status.Range), Cidr.Parse(status.DefaultSubnet));
    }

    private static Cidr ParseSubnet(string what, string text)
    {
        if (!Cidr.TryParse(text, out var cidr, out var error))
            throw PluginError.Invalid($"invalid {what}: {OneLine.Of(error)}");
        if (cidr.SubnetProblem() is { } problem)
            throw PluginError.Invalid($"invalid {what}: {problem}");
        return cidr;
    }

    private static Address ParseAddress(string text)
    {
        // Docker sends a bare address; a CIDR is accepted for its address.
        var bare = text.Contains('/', StringComparison.Ordinal) ? text[..text.IndexOf('/', StringComparison.Ordinal)] : text;
        return Address.TryParse(bare.Trim(), out var address, out var error)
            ? address
            : throw PluginError.Invalid($"invalid Address: {OneLine.Of(error)}");
    }

}
