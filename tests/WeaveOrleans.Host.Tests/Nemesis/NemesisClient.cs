namespace WeaveOrleans.Host.Tests.Nemesis;

/// <summary>
/// One concurrent client of one host: allocates fresh ids, claims addresses (some free, some that
/// another id was acknowledged, some at random), frees and deletes what it holds, one operation at a
/// time, recording each with its reply. Its choices come from its own seeded random source.
/// </summary>
internal sealed class NemesisClient(NemesisHost host, int client, int seed, History history, SharedAddresses shared, string range)
{
    private readonly Random rng = new(seed);
    private readonly List<(string Id, string Address)> held = [];
    private int next;

    public async Task RunAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested && !host.Removed)
        {
            var answered = await OneAsync();
            // Pacing only, so that three daemons and their clients leave the shared cores some room.
            await Delay(answered ? 20 : 250, stop);
        }
    }

    private async Task<bool> OneAsync()
    {
        var roll = rng.Next(100);
        if (held.Count > 0 && (roll < 30 || held.Count > 30))
            return roll % 4 == 0 ? await DeleteAsync() : await FreeAsync();
        return roll < 75 ? await AllocateAsync() : await ClaimAsync();
    }

    private string FreshId() => $"h{host.Index}c{client}n{next++}";

    private async Task<bool> AllocateAsync()
    {
        var id = FreshId();
        var op = history.Begin(host.Index, OpKind.Allocate, id, null);
        var (status, body) = await SendAsync(HttpMethod.Post, $"ip/{id}");
        var given = status == 200 ? body : null;
        history.End(op, status, given is null ? body : null, given);
        if (given is not null)
            Hold(id, HistoryChecker.Bare(given));
        return status is not null;
    }

    private async Task<bool> ClaimAsync()
    {
        var id = FreshId();
        var address = rng.Next(3) switch
        {
            0 => shared.RecentlyFreed(rng),
            1 => shared.HeldByOthers(rng),
            _ => null,
        } ?? RandomAddress();
        var op = history.Begin(host.Index, OpKind.Claim, id, address);
        var (status, body) = await SendAsync(HttpMethod.Put, $"ip/{id}/{address}/{range.Split('/')[1]}");
        history.End(op, status, body, null);
        if (status is >= 200 and < 300)
            Hold(id, address);
        return status is not null;
    }

    private async Task<bool> FreeAsync()
    {
        var (id, address) = Release();
        var op = history.Begin(host.Index, OpKind.Free, id, address);
        var (status, body) = await SendAsync(HttpMethod.Delete, $"ip/{id}/{address}");
        history.End(op, status, body, null);
        return status is not null;
    }

    private async Task<bool> DeleteAsync()
    {
        var (id, address) = Release();
        var op = history.Begin(host.Index, OpKind.Delete, id, address);
        var (status, body) = await SendAsync(HttpMethod.Delete, $"ip/{id}");
        history.End(op, status, body, null);
        return status is not null;
    }

    private void Hold(string id, string address)
    {
        held.Add((id, address));
        shared.Acknowledged(address);
    }

    /// <summary>Forgets a held address before asking to free it: from the moment it is sent the free may apply.</summary>
    private (string Id, string Address) Release()
    {
        var i = rng.Next(held.Count);
        var item = held[i];
        held.RemoveAt(i);
        shared.Released(item.Address);
        return item;
    }

    private string RandomAddress()
    {
        var (network, bits) = (System.Net.IPAddress.Parse(range.Split('/')[0]), int.Parse(range.Split('/')[1], System.Globalization.CultureInfo.InvariantCulture));
        var b = network.GetAddressBytes();
        var baseValue = (uint)(b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3]);
        var value = baseValue + 1 + (uint)rng.Next((1 << (32 - bits)) - 2);
        return $"{value >> 24}.{(value >> 16) & 255}.{(value >> 8) & 255}.{value & 255}";
    }

    private async Task<(int? Status, string Body)> SendAsync(HttpMethod method, string path)
    {
        try
        {
            using var request = new HttpRequestMessage(method, path);
            using var reply = await host.Client.SendAsync(request);
            var body = (await reply.Content.ReadAsStringAsync()).Trim();
            return ((int)reply.StatusCode, body.Length > 200 ? body[..200] : body);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
        {
            return (null, e.GetType().Name);
        }
    }

    private static async Task Delay(int ms, CancellationToken stop)
    {
        try
        {
            await Task.Delay(ms, stop);
        }
        catch (OperationCanceledException)
        {
        }
    }
}
