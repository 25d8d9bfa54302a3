using BenchmarkDotNet.Attributes;
using DevOpsProvider.Connect;

namespace DevOpsProvider.Benchmarks;

/// <summary>
/// The qsh (PROTOCOL.md section 5) as the app computes it: for its own calls to a site behind a context path, and when
/// checking Jira's calls. "Long" is a search-like query of 40 parameters with repeats, encodings and non-ASCII text.
/// </summary>
public class QshBenchmarks
{
    private const string SiteBasePath = "/jira";
    private const string TypicalUrl = "https://acme.atlassian.net/jira/rest/devopscomponents/1.0/bulk";
    private const string IncomingPath = "/actions/on-entity-associated";
    private readonly string _longUrl = BuildLongUrl();
    private readonly string _typicalUrl = TypicalUrl;
    private string _incomingQsh = "";
    private string _longPath = "";
    private string _longQuery = "";
    private string _longQsh = "";

    [GlobalSetup]
    public void Setup()
    {
        _incomingQsh = QueryStringHash.Compute("PUT", IncomingPath, "", "");
        var uri = new Uri(_longUrl);
        (_longPath, _longQuery) = (uri.AbsolutePath, uri.Query);
        _longQsh = QueryStringHash.Compute("GET", _longUrl, SiteBasePath);
        if (!MatchIncoming() || !MatchLong())
        {
            throw new InvalidOperationException("The benchmark's qsh values do not match their requests.");
        }
    }

    [Benchmark(Description = "qsh: outbound POST bulk, no query")]
    public string ComputeTypical() => QueryStringHash.Compute("POST", _typicalUrl, SiteBasePath);

    [Benchmark(Description = "qsh: GET with a 40-parameter query")]
    public string ComputeLong() => QueryStringHash.Compute("GET", _longUrl, SiteBasePath);

    [Benchmark(Description = "qsh: match an incoming PUT action")]
    public bool MatchIncoming() => QueryStringHash.Matches(_incomingQsh, "PUT", IncomingPath, "", "");

    [Benchmark(Description = "qsh: match the 40-parameter query")]
    public bool MatchLong() => QueryStringHash.Matches(_longQsh, "GET", _longPath, _longQuery, SiteBasePath);

    private static string BuildLongUrl()
    {
        var parts = new List<string>();
        for (var i = 0; i < 30; i++)
        {
            parts.Add($"field{i % 12}=value%20{i}%2Cmore");
        }

        parts.AddRange(["expand=names,schema", "jql=project%20%3D%20ACME%20AND%20text%20~%20%22caf%C3%A9%22", "a=1", "A=2", "b=%7E~",
            "empty=", "noValue", "z=last", "startAt=0", "maxResults=100", "jwt=not-part-of-the-hash"]);
        return "https://acme.atlassian.net/jira/rest/api/3/search/with%20space?" + string.Join('&', parts);
    }
}
