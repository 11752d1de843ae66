using CsCheck;
using WeaveOrleans.Ipam.Consensus;
using WeaveOrleans.Ipam.Encoding;
using WeaveOrleans.Ipam.Peers;

namespace WeaveOrleans.Ipam.Tests.Encoding;

public class PaxosCodecTests
{
    private static readonly PeerName A = new(0x0A);
    private static readonly PeerName B = new(0x0B);

    [Fact]
    public void Random_states_round_trip_and_have_a_single_encoding() =>
        CodecGen.Paxos.Sample(state =>
        {
            var bytes = PaxosCodec.Encode(state);
            var decoded = PaxosCodec.Decode(bytes);
            Assert.Equal(state, decoded);
            Assert.Equal(bytes, PaxosCodec.Encode(decoded));
        }, iter: 1000);

    [Fact]
    public void Every_truncation_of_a_valid_encoding_is_invalid_data() =>
        CodecGen.Paxos.Sample(state => CodecAssert.RefusesTruncationAndTrailing(PaxosCodec.Encode(state), b => PaxosCodec.Decode(b)), iter: 200);

    [Fact]
    public void Random_bytes_decode_or_are_invalid_data() =>
        Gen.Byte.Array[0, 64].Sample(tail =>
        {
            CodecAssert.DecodesOrRefuses(tail, b => PaxosCodec.Decode(b));
            CodecAssert.DecodesOrRefuses([(byte)'P', 1, .. tail], b => PaxosCodec.Decode(b));
        }, iter: 5000);

    [Fact]
    public void Golden_bytes_pin_the_format()
    {
        var state = PaxosState.From([
            KeyValuePair.Create(A, new NodeClaims(new ProposalId(3, A), new ProposalId(3, A), new AcceptedValue([B, A], A))),
            KeyValuePair.Create(B, new NodeClaims(new ProposalId(3, A), ProposalId.None, null)),
        ]);
        byte[] expected =
        [
            0x50, 0x01, 0x02,
            0x0A, 0x03, 0x0A, 0x03, 0x0A, 0x01, 0x02, 0x0A, 0x0B, 0x0A,
            0x0B, 0x03, 0x0A, 0x00, 0x00, 0x00,
        ];
        Assert.Equal(expected, PaxosCodec.Encode(state));
        Assert.Equal(state, PaxosCodec.Decode(expected));
    }

    [Fact]
    public void Nodes_out_of_order_are_refused_rather_than_silently_joined() =>
        Assert.Throws<InvalidDataException>(() => PaxosCodec.Decode([0x50, 0x01, 0x02, 0x0B, 0, 0, 0, 0, 0x00, 0x0A, 0, 0, 0, 0, 0x00]));

    [Fact]
    public void Repeated_peers_in_an_accepted_value_are_refused() =>
        Assert.Throws<InvalidDataException>(() => PaxosCodec.Decode([0x50, 0x01, 0x01, 0x0A, 1, 0x0A, 1, 0x0A, 0x01, 0x02, 0x0A, 0x0A, 0x0A]));
}
