namespace WeaveOrleans.EndToEnd.Tests;

/// <summary>The property every scenario ends on: an address is never held twice in one ring, read from the hosts themselves.</summary>
internal static class Safety
{
    public static async Task AssertNoAddressOnTwoHolders(IEnumerable<Peer> ring)
    {
        var holders = new Dictionary<string, List<string>>();
        void Hold(string cidr, string who)
        {
            var address = cidr.Split('/')[0];
            if (!holders.TryGetValue(address, out var list))
                holders[address] = list = [];
            list.Add(who);
        }
        foreach (var peer in ring)
        {
            var running = await peer.Host.Docker("ps", "-q", "--no-trunc");
            Assert.True(running.Ok, running.ToString());
            foreach (var id in running.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries))
                foreach (var cidr in await peer.ContainerAddresses(id))
                    Hold(cidr, $"{peer.Host.Name} container {id[..12]}");
            foreach (var cidr in await peer.BridgeAddresses())
                Hold(cidr, $"{peer.Host.Name} bridge");
        }
        var twice = holders.Where(h => h.Value.Count > 1).Select(h => $"{h.Key} on {string.Join(" and ", h.Value)}").ToList();
        Assert.True(twice.Count == 0, "an address is held twice: " + string.Join("; ", twice));
    }
}
