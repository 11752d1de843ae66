namespace WeaveOrleans.HttpApi.Tests;

/// <summary>Malformed identifiers, addresses, prefixes and flags answer 400 with one line; never 500.</summary>
public sealed class BadInputTests
{
    [Theory]
    [InlineData("POST", "/ip/x/10.2.3.256/24", "255")]
    [InlineData("POST", "/ip/x/10.2.3.0/33", "larger than 32")]
    [InlineData("POST", "/ip/x/10.2.3.0/abc", "not a number")]
    [InlineData("POST", "/ip/x/10.2.3.0/-1", "not a number")]
    [InlineData("POST", "/ip/x/10.2.3.0/99999999999", "not a number")]
    [InlineData("POST", "/ip/x/10.2.3/24", "four dotted numbers")]
    [InlineData("POST", "/ip/x/foo/24", "invalid")]
    [InlineData("POST", "/ip/x/1.2.3.4.5/24", "invalid")]
    [InlineData("POST", "/ip/x/::gg/64", "invalid")]
    [InlineData("POST", "/ip/x/10.0.0.0%2F8/24", "invalid")]
    [InlineData("PUT", "/ip/x/10.2.3.256/24", "Unable to claim: ")]
    [InlineData("PUT", "/ip/x/10.2.3.4/33", "Unable to claim: ")]
    [InlineData("PUT", "/ip/x/10.2.3.4/x", "Unable to claim: ")]
    [InlineData("GET", "/ip/x/10.2.3.256/24", "255")]
    [InlineData("GET", "/ip/x/10.2.3.0/33", "larger than 32")]
    [InlineData("DELETE", "/ip/x/10.2.3.256", "Unable to free: ")]
    [InlineData("DELETE", "/ip/x/banana", "Unable to free: ")]
    [InlineData("POST", "/ip/%20", "invalid id")]
    [InlineData("POST", "/ip/a%0Ab", "invalid id")]
    [InlineData("POST", "/ip/a%09b/10.0.0.0/24", "invalid id")]
    [InlineData("PUT", "/ip/a%20b/10.0.0.1/24", "invalid id")]
    [InlineData("GET", "/ip/a%20b", "invalid id")]
    [InlineData("DELETE", "/ip/a%20b", "invalid id")]
    [InlineData("DELETE", "/peer/a%0Ab", "invalid peer name")]
    [InlineData("POST", "/ip/x?check-alive=maybe", "check-alive")]
    [InlineData("PUT", "/ip/x/10.0.0.1/24?noErrorOnUnknown=1", "noErrorOnUnknown")]
    public async Task Malformed_requests_are_400_with_a_one_line_reason(string method, string path, string reason)
    {
        await using var api = await ApiHost.StartAsync();
        var (status, body) = await api.Send(new HttpMethod(method), path);
        Assert.Equal(400, status);
        Assert.Contains(reason, body);
        Assert.DoesNotContain('\n', body);
        Assert.DoesNotContain('\r', body);
        Assert.Null(api.Grain.LastAllocate);
        Assert.Null(api.Grain.LastClaim);
        Assert.Null(api.Grain.LastFree);
    }

    /// <summary>
    /// Found by the HTTP fuzzer: endpoint routing lets <c>/peer/</c> match <c>DELETE /peer</c>, so an
    /// rmpeer whose name came out empty (<c>curl -X DELETE .../peer/$NAME</c> with NAME unset) shut
    /// this host's IPAM down and every later allocation answered 409 cancelled.
    /// </summary>
    [Theory]
    [InlineData("/peer/")]
    [InlineData("/peer/?x=1")]
    public async Task An_rmpeer_with_an_empty_name_is_refused_and_does_not_shut_down(string path)
    {
        await using var api = await ApiHost.StartAsync();
        var (status, body) = await api.Send(HttpMethod.Delete, path);
        Assert.False(api.Grain.IsShutDown, $"DELETE {path} shut the peer down ({status} {body})");
        Assert.Equal(400, status);
        Assert.Contains("empty", body);
        Assert.Equal(204, (await api.Send(HttpMethod.Delete, "/peer")).Status);
        Assert.True(api.Grain.IsShutDown);
    }

    [Fact]
    public async Task An_overlong_id_is_refused()
    {
        await using var api = await ApiHost.StartAsync();
        var (status, body) = await api.Send(HttpMethod.Post, "/ip/" + new string('a', RequestInput.MaxIdentLength + 1));
        Assert.Equal(400, status);
        Assert.Contains("longer than", body);
        Assert.Equal(200, (await api.Send(HttpMethod.Post, "/ip/" + new string('a', RequestInput.MaxIdentLength))).Status);
    }

    [Fact]
    public async Task Ids_with_punctuation_are_fine()
    {
        await using var api = await ApiHost.StartAsync();
        Assert.Equal((200, "10.0.0.1/8"), await api.Send(HttpMethod.Post, "/ip/weave:expose"));
        Assert.Equal((200, "10.0.0.2/8"), await api.Send(HttpMethod.Post, "/ip/_pod.ns-1_uid"));
        Assert.Equal((200, "10.0.0.1/8"), await api.Send(HttpMethod.Get, "/ip/weave:expose"));
    }

    [Theory]
    [InlineData("GET", "/status")]
    [InlineData("POST", "/ip/c1")]
    [InlineData("POST", "/connect")]
    public async Task A_body_that_claims_to_be_a_form_and_is_not_one_is_400_and_changes_nothing(string method, string path)
    {
        // Found by the HTTP fuzzer once form bodies were read: a cut-off multipart body answered 500.
        await using var api = await ApiHost.StartAsync();
        using var request = new HttpRequestMessage(new HttpMethod(method), path)
        {
            Content = new StringContent("--x\r\nContent-Disposition: form-data; name=\"check-alive\"\r\n\r\ntr"),
        };
        request.Content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse("multipart/form-data; boundary=x");
        using var reply = await api.Client.SendAsync(request);
        var body = await reply.Content.ReadAsStringAsync();
        Assert.True(reply.StatusCode == System.Net.HttpStatusCode.BadRequest, $"{method} {path}: {(int)reply.StatusCode} {body}");
        Assert.StartsWith("invalid form body", body, StringComparison.Ordinal);
        Assert.Null(api.Grain.LastAllocate);
    }

    /// <summary>
    /// The same routing rule as <c>/peer/</c> one level down: <c>DELETE /ip/c1/</c> (a free whose
    /// address came out empty) matched <c>DELETE /ip/{id}</c> and released every address of c1.
    /// A delete whose last segment is empty is refused on every route.
    /// </summary>
    [Theory]
    [InlineData("DELETE", "/ip/c1/")]
    [InlineData("DELETE", "/ip/c1/?x=1")]
    public async Task A_delete_with_an_empty_last_segment_is_refused_without_touching_state(string method, string path)
    {
        await using var api = await ApiHost.StartAsync();
        Assert.Equal(200, (await api.Send(HttpMethod.Post, "/ip/c1")).Status);
        var (status, body) = await api.Send(new HttpMethod(method), path);
        Assert.True(status == 400, $"{method} {path}: {status} {body}");
        Assert.Contains("empty", body);
        Assert.NotEqual("", (await api.Send(HttpMethod.Get, "/ip/c1")).Body.Trim());
        Assert.Null(api.Grain.LastFree);
    }
}
