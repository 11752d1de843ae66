using System.Collections.Immutable;
using System.Globalization;
using WeaveOrleans.Ipam.Addresses;
using WeaveOrleans.Ipam.Consensus;
using WeaveOrleans.Ipam.Peers;

namespace WeaveOrleans.Ipam.Allocation;

/// <summary>How the ring comes into being the first time: agreement, a fixed seed list, or learning it from others.</summary>
public abstract record InitMode
{
    private InitMode()
    {
    }

    /// <summary>Paxos among the peers; <paramref name="Quorum"/> of them must agree once.</summary>
    public sealed record ByConsensus(int Quorum) : InitMode
    {
        public override string ToString() => $"consensus (quorum {Quorum})";
    }

    /// <summary>Every seed builds the same ring from the same list, with no messages.</summary>
    public sealed record BySeed(ImmutableArray<PeerName> Seeds) : InitMode
    {
        public override string ToString() => $"seed={string.Join(',', Seeds)}";
    }

    /// <summary>Never votes; takes the ring from peers that have it.</summary>
    public sealed record AsObserver : InitMode
    {
        public override string ToString() => "observer";
    }

    /// <summary>
    /// Reads <c>--ipalloc-init</c>: <c>consensus</c>, <c>consensus=N</c>, <c>seed=NAME,...</c> or
    /// <c>observer</c>. Without a count the quorum comes from the peers named at launch plus this one,
    /// as Weave does; <paramref name="initPeerCount"/> (<c>-initpeercount N</c>) overrides that.
    /// </summary>
    public static InitMode Parse(string? text, int namedPeers, int? initPeerCount = null)
    {
        text = text?.Trim() ?? "";
        if (text is "" or "consensus")
            return new ByConsensus(initPeerCount is { } n ? Consensus.Quorum.For(CheckCount(n)) : Consensus.Quorum.FromNamedPeers(namedPeers));
        if (text == "observer")
            return new AsObserver();
        if (text.StartsWith("consensus=", StringComparison.Ordinal))
        {
            var count = text["consensus=".Length..];
            if (!int.TryParse(count, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1)
                throw new IpamFormatException($"invalid --ipalloc-init \"{text}\": consensus=N needs a whole number of peers of at least 1");
            return new ByConsensus(Consensus.Quorum.For(n));
        }
        if (text.StartsWith("seed=", StringComparison.Ordinal))
        {
            var names = text["seed=".Length..].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (names.Length == 0)
                throw new IpamFormatException($"invalid --ipalloc-init \"{text}\": seed= needs at least one peer name");
            return new BySeed([.. names.Select(PeerName.Parse).Distinct().Order()]);
        }
        throw new IpamFormatException($"invalid --ipalloc-init \"{text}\": expected consensus[=N], seed=NAME,... or observer");
    }

    private static int CheckCount(int n) =>
        n >= 1 ? n : throw new IpamFormatException($"invalid -initpeercount {n}: at least 1 peer is needed");
}
