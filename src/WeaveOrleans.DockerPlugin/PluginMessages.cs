namespace WeaveOrleans.DockerPlugin;

// The bodies of Docker's remote IPAM protocol (libnetwork's ipams/remote/api), named as Docker
// names them on the wire. Every field of a request is optional here: a missing or null one is
// checked by the driver and refused with a reason, never a crash.

public sealed record ActivateResponse(string[] Implements);

public sealed record CapabilitiesResponse(bool RequiresMACAddress, bool RequiresRequestReplay);

public sealed record AddressSpacesResponse(string LocalDefaultAddressSpace, string GlobalDefaultAddressSpace);

public sealed record RequestPoolRequest(string? AddressSpace, string? Pool, string? SubPool, Dictionary<string, string?>? Options, bool V6);

public sealed record RequestPoolResponse(string PoolID, string Pool, Dictionary<string, string> Data);

public sealed record ReleasePoolRequest(string? PoolID);

public sealed record RequestAddressRequest(string? PoolID, string? Address, Dictionary<string, string?>? Options);

public sealed record RequestAddressResponse(string Address, Dictionary<string, string> Data);

public sealed record ReleaseAddressRequest(string? PoolID, string? Address);

/// <summary>Any success that carries nothing: <c>{}</c>.</summary>
public sealed record EmptyResponse;

/// <summary>A refusal: Docker shows <c>Err</c> to the user (its plugin client reads it from any non-200 answer).</summary>
public sealed record ErrorResponse(string Err);
