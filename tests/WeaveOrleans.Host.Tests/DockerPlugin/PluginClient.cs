using System.Net;
using System.Text;
using System.Text.Json;

namespace WeaveOrleans.Host.Tests.DockerPlugin;

/// <summary>Docker's side of the remote IPAM protocol, spoken to a daemon's plugin socket as dockerd does: POST, a JSON body or none.</summary>
public sealed class PluginClient(string socketPath) : IDisposable
{
    private readonly HttpClient _http = SocketHttp.For(socketPath, TimeSpan.FromSeconds(40));

    public sealed record Answer(HttpStatusCode Status, string? ContentType, string Body)
    {
        public JsonElement Json => JsonDocument.Parse(Body).RootElement;

        public string? Err => Json.TryGetProperty("Err", out var e) ? e.GetString() : null;

        public string this[string field] => Json.GetProperty(field).GetString()!;

        public override string ToString() => $"{(int)Status} {Body}";
    }

    public async Task<Answer> Post(string path, string? body = null)
    {
        using var content = body is null ? null : new StringContent(body, Encoding.UTF8, "application/vnd.docker.plugins.v1.2+json");
        using var reply = await _http.PostAsync(path.TrimStart('/'), content);
        return new Answer(reply.StatusCode, reply.Content.Headers.ContentType?.MediaType, await reply.Content.ReadAsStringAsync());
    }

    /// <summary>A call that must succeed with 200 and no <c>Err</c>.</summary>
    public async Task<Answer> Ok(string path, string? body = null)
    {
        var answer = await Post(path, body);
        Assert.True(answer.Status == HttpStatusCode.OK && answer.Json.ValueKind == JsonValueKind.Object && answer.Err is null, $"{path} {body}: {answer}");
        Assert.Equal("application/vnd.docker.plugins.v1+json", answer.ContentType);
        return answer;
    }

    /// <summary>A call that must be refused: a 4xx (or 503), never a 500, with a one-line <c>Err</c> naming the problem.</summary>
    public async Task<string> Refused(string path, string? body, string expected)
    {
        var answer = await Post(path, body);
        Assert.True((int)answer.Status is >= 400 and < 500 or 503, $"{path} {body}: {answer}");
        Assert.Equal("application/vnd.docker.plugins.v1+json", answer.ContentType);
        var err = answer.Err;
        Assert.False(string.IsNullOrWhiteSpace(err), $"{path} {body}: no Err in {answer}");
        Assert.DoesNotContain('\n', err);
        Assert.Contains(expected, err, StringComparison.Ordinal);
        return err;
    }

    public void Dispose() => _http.Dispose();
}
