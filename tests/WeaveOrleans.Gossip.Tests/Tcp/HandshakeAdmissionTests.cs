using System.Net;
using WeaveOrleans.Gossip.Tcp;

namespace WeaveOrleans.Gossip.Tests.Tcp;

public sealed class HandshakeAdmissionTests
{
    private static IPAddress Ip(int n) => new([10, 0, (byte)(n >> 8), (byte)n]);

    [Fact]
    public void A_source_over_its_share_loses_its_own_oldest_slot()
    {
        using var admission = new HandshakeAdmission(maxPending: 64, maxPerSource: 2, burstPerSource: 100, perSecondPerSource: 1);
        var first = admission.TryAdmit(Ip(1), out _)!;
        var second = admission.TryAdmit(Ip(1), out _)!;
        var other = admission.TryAdmit(Ip(2), out _)!;
        var third = admission.TryAdmit(Ip(1), out _)!;
        Assert.True(first.Shedding.IsCancellationRequested);
        Assert.True(first.WasShed);
        Assert.False(second.Shedding.IsCancellationRequested || other.Shedding.IsCancellationRequested || third.Shedding.IsCancellationRequested);
        Assert.Equal(3, admission.Pending);
    }

    [Fact]
    public void When_slots_run_out_a_stranger_sheds_the_oldest_stranger_and_never_a_known_peer()
    {
        using var admission = new HandshakeAdmission(maxPending: 3, maxPerSource: 3, burstPerSource: 100, perSecondPerSource: 1);
        admission.MarkKnown(Ip(1));
        var known = admission.TryAdmit(Ip(1), out _)!;
        var strangerA = admission.TryAdmit(Ip(2), out _)!;
        var strangerB = admission.TryAdmit(Ip(3), out _)!;

        var strangerC = admission.TryAdmit(Ip(4), out _);
        Assert.NotNull(strangerC);
        Assert.True(strangerA.WasShed);
        Assert.False(known.WasShed);
        Assert.False(strangerB.WasShed);
    }

    [Fact]
    public void A_stranger_gets_no_slot_when_known_peers_hold_them_all_but_a_known_peer_does()
    {
        using var admission = new HandshakeAdmission(maxPending: 2, maxPerSource: 2, burstPerSource: 100, perSecondPerSource: 1);
        admission.MarkKnown(Ip(1));
        admission.MarkKnown(Ip(2));
        var k1 = admission.TryAdmit(Ip(1), out _)!;
        var k2 = admission.TryAdmit(Ip(2), out _)!;

        Assert.Null(admission.TryAdmit(Ip(9), out var refusal));
        Assert.Equal("too many handshakes in progress from known peers", refusal);
        Assert.NotNull(admission.TryAdmit(Ip(2), out _));
        Assert.True(k1.WasShed);
        Assert.False(k2.WasShed);
    }

    [Fact]
    public void A_finished_handshake_frees_its_slot()
    {
        using var admission = new HandshakeAdmission(maxPending: 1, maxPerSource: 1, burstPerSource: 100, perSecondPerSource: 1);
        var slot = admission.TryAdmit(Ip(1), out _)!;
        slot.Dispose();
        Assert.Equal(0, admission.Pending);
        var next = admission.TryAdmit(Ip(2), out _)!;
        Assert.False(slot.WasShed);
        Assert.Equal(1, admission.Pending);
        next.Dispose();
    }

    [Fact]
    public void Each_source_is_rate_limited_on_its_own_and_an_IPv6_source_is_its_64()
    {
        // Refilled hourly: a slow machine must not see a token come back mid-test.
        using var admission = new HandshakeAdmission(maxPending: 64, maxPerSource: 64, burstPerSource: 3, perSecondPerSource: 1, refill: TimeSpan.FromHours(1));
        for (var i = 0; i < 3; i++)
            Assert.NotNull(admission.TryAdmit(Ip(1), out _));
        Assert.Null(admission.TryAdmit(Ip(1), out var refusal));
        Assert.Equal("too many connections from this address: rate-limited", refusal);
        Assert.NotNull(admission.TryAdmit(Ip(2), out _));

        for (var i = 0; i < 3; i++)
            Assert.NotNull(admission.TryAdmit(IPAddress.Parse($"2001:db8::{i + 1}"), out _));
        Assert.Null(admission.TryAdmit(IPAddress.Parse("2001:db8::ffff"), out _));
        Assert.NotNull(admission.TryAdmit(IPAddress.Parse("2001:db8:0:1::1"), out _));
    }
}
