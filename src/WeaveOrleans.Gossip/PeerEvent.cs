using WeaveOrleans.Ipam.Peers;

namespace WeaveOrleans.Gossip;

/// <summary>Something a transport reports to its host, in the order it happened.</summary>
public abstract record PeerEvent;

/// <param name="RemoteAddress">Where the peer can be dialled (its listen address as seen from here).</param>
/// <param name="PeerAddressesItKnows">Addresses the peer advertised in its handshake, for the host to dial.</param>
public sealed record PeerConnected(PeerName Peer, string RemoteAddress, IReadOnlyList<string> PeerAddressesItKnows) : PeerEvent;

public sealed record PeerDisconnected(PeerName Peer) : PeerEvent;

/// <summary>A payload from an authenticated, directly connected peer.</summary>
public sealed record MessageReceived(PeerName From, ReadOnlyMemory<byte> Payload) : PeerEvent;

/// <summary>A connection that never became usable: wrong secret, version mismatch, garbage, ourselves.</summary>
public sealed record ConnectionRefused(string Remote, string Reason) : PeerEvent;
