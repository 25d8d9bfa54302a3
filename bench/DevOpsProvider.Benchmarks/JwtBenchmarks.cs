using BenchmarkDotNet.Attributes;
using DevOpsProvider.Connect;
using Microsoft.Extensions.Caching.Memory;

namespace DevOpsProvider.Benchmarks;

/// <summary>
/// HS256 Connect JWTs: creating one for the app's own call to a site, and checking one of Jira's calls the way
/// ConnectJwtHandler does (token from the header, parse, tenant from the in-memory cache, HS256 and lifetime, qsh).
/// </summary>
public class JwtBenchmarks : IDisposable
{
    private const string ClientKey = "5a4f6c3e-9d1b-4c2a-8e7f-0b1c2d3e4f5a";
    private const string Secret = "Nc0yGq2k8dXg6c1vFJq3Y0mYb3zZ7hQpW9tL5sR2eA4uK8iO1jH6fD0gB3nM7xC";
    private const string BulkUrl = "https://acme.atlassian.net/rest/devopscomponents/1.0/bulk";
    private const string ActionPath = "/actions/on-entity-associated";

    // The cache TenantCache keeps: MemoryCache keyed by clientKey, bounded by entry count.
    private readonly MemoryCache _tenants = new(new MemoryCacheOptions { SizeLimit = 50_000 });
    private readonly TimeSpan _leeway = TimeSpan.FromSeconds(30);
    private string _authorizationHeader = "";
    private DateTimeOffset _now;

    [GlobalSetup]
    public void Setup()
    {
        _now = DateTimeOffset.UtcNow;
        for (var i = 0; i < 1000; i++)
        {
            // A realistic cache: many sites, the one under test among them.
            var key = i == 0 ? ClientKey : Guid.NewGuid().ToString();
            _tenants.Set(key, new CachedTenant(key, Secret + i), new MemoryCacheEntryOptions { Size = 1 });
        }

        _tenants.Set(ClientKey, new CachedTenant(ClientKey, Secret), new MemoryCacheEntryOptions { Size = 1 });
        var qsh = QueryStringHash.Compute("PUT", ActionPath, "", "");
        _authorizationHeader = "JWT " + ConnectJwt.Create(ClientKey, Secret, qsh, _now, TimeSpan.FromMinutes(3),
            new Dictionary<string, string> { ["sub"] = "557058:f1e2d3c4-b5a6-4789-8abc-def012345678" });
        // A benchmark of the refusal path would measure the wrong thing.
        if (!ValidateIncoming())
        {
            throw new InvalidOperationException("The benchmark token does not validate.");
        }
    }

    [Benchmark(Description = "JWT: create for an outbound call (qsh + HS256)")]
    public string CreateOutbound()
        => ConnectJwt.Create(ClientKey, Secret, QueryStringHash.Compute("POST", BulkUrl, ""), _now, TimeSpan.FromMinutes(3));

    [Benchmark(Description = "JWT: validate an incoming call (parse, cache, HS256, qsh)")]
    public bool ValidateIncoming()
    {
        var header = _authorizationHeader;
        if (!header.StartsWith("JWT ", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var jwt = ConnectJwt.Read(header[4..].Trim());
        var issuer = jwt is null ? null : ConnectJwt.GetString(jwt, "iss");
        if (jwt is null || issuer is null || !_tenants.TryGetValue(issuer, out CachedTenant? tenant) || tenant is null)
        {
            return false;
        }

        var check = ConnectJwt.VerifyHs256(jwt, tenant.SharedSecret, _now, _leeway);
        var qsh = ConnectJwt.GetString(jwt, "qsh");
        return check.Succeeded && qsh is not null && QueryStringHash.Matches(qsh, "PUT", ActionPath, "", "");
    }

    public void Dispose()
    {
        _tenants.Dispose();
        GC.SuppressFinalize(this);
    }

    private sealed record CachedTenant(string ClientKey, string SharedSecret);
}
