using System.Security.Cryptography;
using System.Text;
using WeaveOrleans.Ipam.Peers;

namespace WeaveOrleans.Gossip.Tcp;

/// <summary>
/// The symmetric opening of every connection: preamble (magic + version), hello, then, when a secret
/// is configured, a mutual proof. Both sides send before they read, so each one reaches the same
/// verdict on its own and a refusal is reported on both ends.
/// </summary>
internal sealed class Handshake(PeerName self, int listenPort, string nickname, byte[]? secret, byte protocolVersion, TransportStats stats)
{
    private static readonly byte[] ProofLabel = "WeaveOrleans gossip proof v1"u8.ToArray();

    public async Task<Hello> RunAsync(Stream stream, IReadOnlyList<string> knownAddresses, CancellationToken ct)
    {
        await ExchangePreambleAsync(stream, ct).ConfigureAwait(false);

        var ours = new Hello(self, listenPort, secret is not null, RandomNumberGenerator.GetBytes(WireProtocol.NonceSize), nickname, knownAddresses);
        var ourBytes = ours.Encode();
        await FrameCodec.WriteAsync(stream, FrameKind.Hello, ourBytes, stats, ct).ConfigureAwait(false);
        await stream.FlushAsync(ct).ConfigureAwait(false);
        var theirBytes = await ReadExpectedAsync(stream, FrameKind.Hello, ct).ConfigureAwait(false);
        var theirs = Hello.Decode(theirBytes);

        if (theirs.Name == self)
            throw new HandshakeRefusedException($"connection to self ({self})", permanent: true);

        if (secret is null && theirs.RequiresPassword)
            await RefuseAsync(stream, "authentication failed: the peer requires a password and none is configured here", ct).ConfigureAwait(false);
        if (secret is not null && !theirs.RequiresPassword)
            await RefuseAsync(stream, $"authentication failed: peer {theirs.Name} has no password configured", ct).ConfigureAwait(false);

        if (secret is not null)
        {
            // Each side proves knowledge of the secret over the transcript of both hellos (and so both
            // fresh nonces); the prover's hello comes last, so a proof cannot be reflected back.
            await FrameCodec.WriteAsync(stream, FrameKind.Auth, Proof(theirBytes, ourBytes), stats, ct).ConfigureAwait(false);
            await stream.FlushAsync(ct).ConfigureAwait(false);
            var theirProof = await ReadExpectedAsync(stream, FrameKind.Auth, ct).ConfigureAwait(false);
            if (!CryptographicOperations.FixedTimeEquals(theirProof, Proof(ourBytes, theirBytes)))
                await RefuseAsync(stream, $"authentication failed: peer {theirs.Name} does not know the shared password", ct).ConfigureAwait(false);
        }
        return theirs;
    }

    private byte[] Proof(byte[] verifierHello, byte[] proverHello)
    {
        using var hmac = new HMACSHA256(secret!);
        hmac.TransformBlock(ProofLabel, 0, ProofLabel.Length, null, 0);
        hmac.TransformBlock(verifierHello, 0, verifierHello.Length, null, 0);
        hmac.TransformFinalBlock(proverHello, 0, proverHello.Length);
        return hmac.Hash!;
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

    private async Task<byte[]> ReadExpectedAsync(Stream stream, FrameKind expected, CancellationToken ct)
    {
        var (kind, payload) = await FrameCodec.ReadAsync(stream, WireProtocol.MaxHandshakeFrameSize, stats, ct).ConfigureAwait(false);
        if (kind == FrameKind.Refuse)
            throw new HandshakeRefusedException($"refused by the peer: {DecodeReason(payload)}");
        if (kind != expected)
            throw new ProtocolException($"expected a {expected} frame during the handshake, got {kind}");
        return payload;
    }

    /// <summary>Tells the peer why (best effort: it may already be gone), then fails the handshake.</summary>
    private async Task RefuseAsync(Stream stream, string reason, CancellationToken ct)
    {
        try
        {
            await FrameCodec.WriteAsync(stream, FrameKind.Refuse, Encoding.UTF8.GetBytes(reason), stats, ct).ConfigureAwait(false);
            await stream.FlushAsync(ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException)
        {
        }
        throw new HandshakeRefusedException(reason);
    }

    internal static string DecodeReason(byte[] payload) =>
        Encoding.UTF8.GetString(payload.AsSpan(0, Math.Min(payload.Length, 1024)));
}
