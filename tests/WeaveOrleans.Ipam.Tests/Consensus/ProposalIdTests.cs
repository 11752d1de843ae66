using WeaveOrleans.Ipam.Consensus;
using static WeaveOrleans.TestSupport.TestPeers;

namespace WeaveOrleans.Ipam.Tests.Consensus;

public class ProposalIdTests
{
    [Fact]
    public void Round_orders_before_proposer()
    {
        Assert.True(new ProposalId(1, D) < new ProposalId(2, A));
        Assert.True(new ProposalId(2, A) < new ProposalId(2, B));
    }

    [Fact]
    public void None_precedes_every_real_ballot()
    {
        Assert.True(ProposalId.None.IsNone);
        Assert.True(ProposalId.None < new ProposalId(1, new(1)));
    }
}
