using System.Security.Cryptography;
using System.Text;
using WeaveOrleans.Ipam.Peers;

namespace WeaveOrleans.Gossip.Tcp;

/// <summary>
/// The opening of every connection: preamble (magic + version), challenge, then, when a secret is
/// configured, a mutual proof, and only then the hello with the peer's name, nickname and
/// addresses, so that nobody learns them without the password. The side that dialled proves first:
/// the side that accepted answers a stranger with its challenge and at most a refusal, never with
/// a proof that could be attacked offline. A refusal is reported on both ends.
/// </summary>
internal sealed class Handshake(PeerName self, int listenPort, string nickname, byte[]? secret, byte protocolVersion, TransportStats stats)
{
    private static readonly byte[] ProofLabel = "WeaveOrleans gossip proof v2"u8.ToArray();

    /// <param name="dialled">Whether this side opened the connection: proofs name the prover's role, so one cannot be reflected back.</param>
    public async Task<Hello> RunAsync(Stream stream, IReadOnlyList<string> knownAddresses, bool dialled, CancellationToken ct)
    {
        await ExchangePreambleAsync(stream, ct).ConfigureAwait(false);

        var ours = new Challenge(secret is not null, RandomNumberGenerator.GetBytes(WireProtocol.NonceSize)).Encode();
        await SendAsync(stream, FrameKind.Challenge, ours, ct).ConfigureAwait(false);
        var theirBytes = await ReadExpectedAsync(stream, FrameKind.Challenge, WireProtocol.MaxPreAuthFrameSize, ct).ConfigureAwait(false);
        var theirs = Challenge.Decode(theirBytes);

        if (secret is null && theirs.RequiresPassword)
            await RefuseAsync(stream, "authentication failed: the peer requires a password and none is configured here", ct).ConfigureAwait(false);
        if (secret is not null && !theirs.RequiresPassword)
            await RefuseAsync(stream, "authentication failed: the peer has no password configured", ct).ConfigureAwait(false);

        if (secret is not null)
        {
            // A peer that echoes our nonce could otherwise echo our proof too.
            if (CryptographicOperations.FixedTimeEquals(theirs.Nonce, ours.AsSpan(1)))
                await RefuseAsync(stream, "authentication failed: the peer echoed our challenge", ct).ConfigureAwait(false);
            if (dialled)
            {
                await SendProofAsync(stream, dialled, theirBytes, ours, ct).ConfigureAwait(false);
                await CheckProofAsync(stream, dialled, theirBytes, ours, ct).ConfigureAwait(false);
            }
            else
            {
                await CheckProofAsync(stream, dialled, theirBytes, ours, ct).ConfigureAwait(false);
                await SendProofAsync(stream, dialled, theirBytes, ours, ct).ConfigureAwait(false);
            }
        }

        var hello = new Hello(self, listenPort, nickname, knownAddresses).Encode();
        await SendAsync(stream, FrameKind.Hello, hello, ct).ConfigureAwait(false);
        var theirHello = Hello.Decode(await ReadExpectedAsync(stream, FrameKind.Hello, WireProtocol.MaxHandshakeFrameSize, ct).ConfigureAwait(false));
        if (theirHello.Name == self)
            throw new HandshakeRefusedException($"connection to self ({self})", permanent: true);
        return theirHello;
    }

    private Task SendProofAsync(Stream stream, bool dialled, byte[] theirs, byte[] ours, CancellationToken ct) =>
        SendAsync(stream, FrameKind.Auth, Proof(dialled, verifier: theirs, prover: ours), ct);

    private async Task CheckProofAsync(Stream stream, bool dialled, byte[] theirs, byte[] ours, CancellationToken ct)
    {
        var theirProof = await ReadExpectedAsync(stream, FrameKind.Auth, WireProtocol.MaxPreAuthFrameSize, ct).ConfigureAwait(false);
        if (!CryptographicOperations.FixedTimeEquals(theirProof, Proof(!dialled, verifier: ours, prover: theirs)))
            await RefuseAsync(stream, "authentication failed: the peer does not know the shared password", ct).ConfigureAwait(false);
    }

    private byte[] Proof(bool proverDialled, byte[] verifier, byte[] prover)
    {
        using var hmac = new HMACSHA256(secret!);
        hmac.TransformBlock(ProofLabel, 0, ProofLabel.Length, null, 0);
        hmac.TransformBlock([proverDialled ? (byte)'D' : (byte)'A'], 0, 1, null, 0);
        hmac.TransformBlock(verifier, 0, verifier.Length, null, 0);
        hmac.TransformFinalBlock(prover, 0, prover.Length);
        return hmac.Hash!;
    }

    private async Task SendAsync(Stream stream, FrameKind kind, byte[] payload, CancellationToken ct)
    {
        await FrameCodec.WriteAsync(stream, kind, payload, stats, ct).ConfigureAwait(false);
        await stream.FlushAsync(ct).ConfigureAwait(false);
    }

    private async Task ExchangePreambleAsync(Stream stream, CancellationToken ct)
    {
        var preamble = new byte[WireProtocol.PreambleSize];
        WireProtocol.Magic.CopyTo(preamble);
        preamble[4] = protocolVersion;
        await stream.WriteAsync(preamble, ct).ConfigureAwait(false);
        await stream.FlushAsync(ct).ConfigureAwait(false);

        var theirs = new byte[WireProtocol.PreambleSize];
        await stream.ReadExactlyAsync(theirs, ct).ConfigureAwait(false);
        if (!theirs.AsSpan(0, 4).SequenceEqual(WireProtocol.Magic))
            throw new HandshakeRefusedException("not a WeaveOrleans gossip peer (bad magic)");
        if (theirs[4] != protocolVersion)
            throw new HandshakeRefusedException($"protocol version mismatch: we speak {protocolVersion}, the peer speaks {theirs[4]}");
    }

    private async Task<byte[]> ReadExpectedAsync(Stream stream, FrameKind expected, int maxPayload, CancellationToken ct)
    {
        // A refusal's reason may be longer than the frame it replaces.
        var (kind, payload) = await FrameCodec.ReadAsync(stream, Math.Max(maxPayload, WireProtocol.MaxRefusalSize), stats, ct).ConfigureAwait(false);
        if (kind == FrameKind.Refuse)
            throw new HandshakeRefusedException($"refused by the peer: {DecodeReason(payload)}");
        if (kind != expected)
            throw new ProtocolException($"expected a {expected} frame during the handshake, got {kind}");
        if (payload.Length > maxPayload)
            throw new ProtocolException($"{kind} frame of {payload.Length} bytes exceeds the limit of {maxPayload}");
        return payload;
    }

    /// <summary>Tells the peer why (best effort: it may already be gone), then fails the handshake.</summary>
    private async Task RefuseAsync(Stream stream, string reason, CancellationToken ct)
    {
        try
        {
            await SendAsync(stream, FrameKind.Refuse, Encoding.UTF8.GetBytes(reason), ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException)
        {
        }
        throw new HandshakeRefusedException(reason);
    }

    internal static string DecodeReason(byte[] payload) =>
        Encoding.UTF8.GetString(payload.AsSpan(0, Math.Min(payload.Length, WireProtocol.MaxRefusalSize)));
}
