using System.Text;

namespace WeaveOrleans.Host.Tests.Fuzz;

/// <summary>
/// Seeded inputs for the HTTP API at and past their limits: methods, paths of every route with
/// hostile segments, CIDRs, ids, query flags, bodies and headers. Never DELETE /peer (shutdown):
/// that one is meant to stop the daemon.
/// </summary>
internal sealed class HttpFuzzInputs(Random rng)
{
    private static readonly string[] Methods = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE", "PROPFIND", "FOO"];

    private static readonly string[] Ids =
    [
        "", "a", "fuzz-ok", new('x', 256), new('y', 257), new('z', 5000), "%00", "%20", "a%0Ab", "a%09b", "..", ".", "%2F",
        "%2e%2e", "ü☃", "%E2%80%AE", "%F0%9F%92%A9", "%ff%fe", "CON", "-", "*", "a;b", "a?b=c", "%25", "'", "\"", "<script>",
        "a" + new string('%', 3), "%C0%AF", "~", "id with space",
    ];

    private static readonly string[] Addresses =
    [
        "10.45.0.1", "10.45.0.0", "10.45.255.255", "10.45.3.7", "0.0.0.0", "255.255.255.255", "999.1.1.1", "10.45.0", "::1",
        "fe80::1%25eth0", "1.2.3.4.5", "", "-1", "0x0a2d0001", "10.45.0.01", "10.45.000.001", "184549377", "１０.45.0.1",
        "10.45.0.1%00", new('9', 400), "10.44.0.1", "192.168.1.1", "::ffff:10.45.0.1",
    ];

    private static readonly string[] PrefixLengths = ["16", "0", "1", "24", "30", "31", "32", "33", "-1", "99999999999999999999", "", "abc", "16.5", "08", "+16", " 16", "2147483648"];

    private static readonly string[] Queries =
    [
        "", "?check-alive=true", "?check-alive=false", "?check-alive=maybe", "?check-alive=", "?noErrorOnUnknown=true", "?noErrorOnUnknown=1",
        "?check-alive=true&check-alive=nope", "?" + new string('q', 6000), "?a=%zz", "?%00=%00", "?check-alive=TRUE",
    ];

    private static readonly string[] OddPaths =
    [
        "/", "//ip", "/IP/x", "/ip/", "/ip//", "/ip/a/b/c/d/e", "/%ff", "/ip/%", "/status/", "/status/ipam/x", "/report.json", "/ring/x",
        "/peer/", "/ipinfo", "/ipinfo/", "/ipinfo/x", "/metrics/x", "/" + new string('a', 9000), "/ip/a/10.45.0.1/16/extra",
        "/dashboard", "/ipam", "/favicon.ico",
    ];

    private T Pick<T>(IReadOnlyList<T> from) => from[rng.Next(from.Count)];

    /// <summary>A method and path: most often the route's own verb, so requests get past routing into the handlers.</summary>
    public (string Method, string Path) Request()
    {
        var id = Pick(Ids);
        var (verb, path) = rng.Next(14) switch
        {
            0 => (Pick(new[] { "POST", "GET", "DELETE" }), $"/ip/{id}"),
            1 => (Pick(new[] { "POST", "PUT", "GET" }), $"/ip/{id}/{Pick(Addresses)}/{Pick(PrefixLengths)}"),
            2 => ("DELETE", $"/ip/{id}/{Pick(Addresses)}"),
            3 => ("GET", "/ip"),
            4 => ("GET", "/ipinfo/defaultsubnet"),
            5 => ("GET", "/ipinfo/tracker"),
            6 => ("GET", "/ring"),
            7 => ("DELETE", $"/peer/{(rng.Next(2) == 0 ? id : RandomPeerName())}"),
            8 => ("GET", "/status"),
            9 => ("GET", "/status/ipam"),
            10 => ("GET", rng.Next(2) == 0 ? "/report" : "/report?format=" + Uri.EscapeDataString(Template())),
            11 => ("GET", "/metrics"),
            12 => (Pick(new[] { "POST", "PUT", "DELETE" }), $"/ip/fuzz-{rng.Next(1000)}" + (rng.Next(2) == 0 ? "" : $"/10.45.{rng.Next(256)}.{rng.Next(256)}/16")),
            _ => (Pick(Methods), Pick(OddPaths)),
        };
        var method = rng.Next(10) < 7 ? verb : Pick(Methods);
        path += Pick(Queries);
        // DELETE /peer is shutdown, which stops the daemon by design.
        if (method == "DELETE" && (path == "/peer" || path.StartsWith("/peer?", StringComparison.Ordinal)))
            path = "/peer/not-a-shutdown";
        return (method, path);
    }

    private static readonly string[] TemplatePieces =
    [
        "{{", "}}", "{{.Router.Name}}", "{{range .Router.Peers}}", "{{range $i, $e := .IPAM.Entries}}", "{{end}}", "{{if .Ready}}",
        "{{else}}", "{{else if .IPAM.Paxos}}", "{{with .IPAM}}", ".IPAM.Entries", "{{json .}}", "{{printf \"%d%s%v%!\" ", "(", ")", "|",
        "$x := ", "$x", "{{- ", " -}}", "\"", "`", "{{/*", "*/}}", "{{len .IPAM.Paxos}}", "{{index .IPAM.Entries 99}}",
        "{{printf \"%999999d\" 1}}", "{{.Nope.Nope}}", "{{eq .Ready 1}}", "{{slice .Version 3 1}}", "{{define \"x\"}}", "'", "\\", "\n",
        new('(', 300), new('{', 300), "{{" + new string('(', 200) + "1" + new string(')', 200) + "}}", "\u0000", "☃",
    ];

    /// <summary>A template pieced together from good and broken fragments: the daemon must answer 200 or a one-line 400, never 500.</summary>
    private string Template() => string.Concat(Enumerable.Range(0, rng.Next(1, 8)).Select(_ => Pick(TemplatePieces)));

    private string RandomPeerName() => string.Join(':', Enumerable.Range(0, 6).Select(_ => rng.Next(256).ToString("x2", System.Globalization.CultureInfo.InvariantCulture)));

    public byte[]? Body() => rng.Next(8) switch
    {
        0 => [],
        1 => Encoding.UTF8.GetBytes("{\"owned\":[{\"containerid\":\"x\",\"addrs\":[\"10.45.0.1/16\"]}]}"),
        2 => RandomBytes(1 << 20),
        3 => RandomBytes(rng.Next(1, 4096)),
        4 => Encoding.UTF8.GetBytes(new string('{', 100_000)),
        _ => null,
    };

    public string ContentType() => Pick(new[] { "application/json", "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "garbage/%%%", "" });

    /// <summary>Extra headers: none, one far past Kestrel's limits, very many, or odd values for known ones.</summary>
    public IEnumerable<(string Name, string Value)> Headers()
    {
        switch (rng.Next(16))
        {
            case 0:
                yield return ("X-Big", new string('h', 40_000));
                break;
            case 1:
                for (var i = 0; i < 300; i++)
                    yield return ($"X-Many-{i}", new string('m', 100));
                break;
            case 2:
                yield return ("Accept", "*/*;q=" + new string('9', 500));
                yield return ("Accept-Encoding", "gzip, br, zstd, " + new string('x', 1000));
                break;
            case 3:
                yield return ("X-Forwarded-For", "10.45.0.1, " + new string('1', 2000));
                yield return ("X-HTTP-Method-Override", "DELETE");
                break;
            default:
                break;
        }
    }

    public string? HostHeader() => rng.Next(16) switch
    {
        0 => "evil.example",
        1 => new string('h', 3000),
        2 => "localhost",
        _ => null,
    };

    private byte[] RandomBytes(int n)
    {
        var b = new byte[n];
        rng.NextBytes(b);
        return b;
    }

    /// <summary>Requests no client library would send: bad request lines, lengths that lie, broken chunking, binary noise.</summary>
    public static IReadOnlyList<string> RawRequests(int port) =>
    [
        "GARBAGE\r\n\r\n",
        "GET /status HTTP/1.1\r\n\r\n",
        $"GET /status HTTP/9.9\r\nHost: 127.0.0.1:{port}\r\n\r\n",
        $"GET /status HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nBadHeaderNoColon\r\n\r\n",
        $"POST /ip/raw-1 HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: -1\r\n\r\n",
        $"POST /ip/raw-2 HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello",
        $"POST /ip/raw-3 HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nTransfer-Encoding: chunked\r\n\r\nZZZ\r\nxx\r\n0\r\n\r\n",
        $"POST /ip/raw-4 HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n0\r\n\r\n",
        $"GET /../../../etc/passwd HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n",
        $"GET /ip/%2e%2e/%2e%2e HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n",
        $"GET http://evil.example/status HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n",
        $"GET * HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n",
        $"GET /status\0 HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n",
        $"GET /status HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nX: a\rb\r\n\r\n",
        $"\u0016\u0003\u0001\u0002\u0000\u0001\u0000\u0001\u00fc\u0003\u0003 tls hello\r\n\r\n",
        $"GET /status HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{new string('X', 70_000)}: y\r\n\r\n",
    ];
}
