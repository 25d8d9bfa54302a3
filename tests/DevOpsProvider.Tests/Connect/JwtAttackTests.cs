using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Dapper;
using DevOpsProvider.Connect;
using DevOpsProvider.Tests.Infrastructure;
using Npgsql;

namespace DevOpsProvider.Tests.Connect;

/// <summary>
/// Hostile tokens against every Jira-facing endpoint: each is refused with 401 or 400, and nothing changes
/// (the tenant's secret, state and event history stay as they were).
/// </summary>
public sealed class JwtAttackTests(InstalledAppFixture fixture) : IClassFixture<InstalledAppFixture>
{
    private readonly InstallKeyServer _keys = fixture.Keys;
    private readonly TestApp _app = fixture.App;
    private readonly HandSignedJira _jira = fixture.Jira;

    /// <summary>Every endpoint Jira calls, with the token scheme Jira uses on it.</summary>
    public static readonly (string Path, bool SignedInstall)[] Endpoints =
    [
        ("/installed", true), ("/uninstalled", true), ("/enabled", false), ("/disabled", false),
        ("/actions/associate-entity", false), ("/actions/disassociate-entity", false),
        ("/actions/on-entity-associated", false), ("/actions/on-entity-disassociated", false),
    ];

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var (path, _) in Endpoints)
        {
            foreach (var attack in new[] { "alg-none", "alg-confusion", "wrong-scheme", "oversized-token", "duplicate-iss", "duplicate-alg", "expired-replay", "other-path-qsh", "other-method-qsh", "other-site" })
            {
                // On the actions another site's token is that site acting on its own data: ActionIsolationTests covers it.
                if (attack != "other-site" || !path.StartsWith("/actions/", StringComparison.Ordinal))
                {
                    data.Add(path, attack);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task HostileToken_IsRefused_AndNothingChanges(string path, string attack)
    {
        var signedInstall = Endpoints.Single(e => e.Path == path).SignedInstall;
        var before = await SnapshotAsync();
        var other = new HandSignedJira(_app, _keys);
        if (attack == "other-site")
        {
            await other.InstallAsync();
            before = await SnapshotAsync();
        }

        var now = DateTimeOffset.UtcNow;
        var exp = now.AddMinutes(3).ToUnixTimeSeconds();
        var qsh = QueryStringHash.Compute("POST", path);
        var secret = Encoding.UTF8.GetBytes(_jira.SharedSecret);
        var token = attack switch
        {
            "alg-none" => JiraTokens.Raw("""{"alg":"none","typ":"JWT"}""", Payload(qsh, exp)),
            // The RS256 public key used as an HMAC secret: the classic confusion when a verifier trusts the header's alg.
            "alg-confusion" => JiraTokens.Hs256WithKey(Payload(qsh, exp), Encoding.UTF8.GetBytes(_keys.Key.ExportSubjectPublicKeyInfoPem())),
            // HS256 where RS256 is required, and RS256 where HS256 is required, each correctly signed otherwise.
            "wrong-scheme" => signedInstall
                ? JiraTokens.Hs256(_jira.ClientKey, _jira.SharedSecret, "POST", path)
                : JiraTokens.SignedInstall(_keys.Key, _keys.KeyId, _jira.ClientKey, _app.BaseUrl, "POST", path),
            "oversized-token" => JiraTokens.Hs256WithKey(Payload(qsh, exp, padding: new string('x', 20_000)), secret),
            "duplicate-iss" => JiraTokens.Hs256WithKey($$"""{"iss":"{{other.ClientKey}}","iss":"{{_jira.ClientKey}}","qsh":"{{qsh}}","exp":{{exp}}}""", secret),
            "duplicate-alg" => ConnectJwt.Sign("""{"alg":"HS256","alg":"none"}"""u8, Encoding.UTF8.GetBytes(Payload(qsh, exp)), secret),
            "expired-replay" => signedInstall
                ? JiraTokens.SignedInstall(_keys.Key, _keys.KeyId, _jira.ClientKey, _app.BaseUrl, "POST", path, now.AddMinutes(-10))
                : JiraTokens.Hs256(_jira.ClientKey, _jira.SharedSecret, "POST", path, now.AddMinutes(-10)),
            "other-path-qsh" => signedInstall
                ? JiraTokens.SignedInstall(_keys.Key, _keys.KeyId, _jira.ClientKey, _app.BaseUrl, "POST", "/somewhere-else")
                : JiraTokens.Hs256(_jira.ClientKey, _jira.SharedSecret, "POST", "/somewhere-else"),
            "other-method-qsh" => signedInstall
                ? JiraTokens.SignedInstall(_keys.Key, _keys.KeyId, _jira.ClientKey, _app.BaseUrl, "GET", path)
                : JiraTokens.Hs256(_jira.ClientKey, _jira.SharedSecret, "GET", path),
            // A valid token of another installed site, with a body about this one.
            "other-site" => signedInstall
                ? JiraTokens.SignedInstall(_keys.Key, _keys.KeyId, other.ClientKey, _app.BaseUrl, "POST", path)
                : JiraTokens.Hs256(other.ClientKey, other.SharedSecret, "POST", path),
            _ => throw new ArgumentOutOfRangeException(nameof(attack)),
        };

        using var response = await _jira.PostAsync(path, token, BodyFor(path));

        Assert.True(response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.BadRequest,
            $"{attack} on {path} answered {(int)response.StatusCode}");
        Assert.DoesNotContain(_jira.SharedSecret, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(before, await SnapshotAsync());
    }

    [Theory]
    [InlineData("../../etc/passwd")]
    [InlineData("..")]
    [InlineData("/etc/passwd")]
    [InlineData("http://evil.example.com/key")]
    [InlineData("https:%2F%2Fevil.example.com%2Fkey")]
    [InlineData("..%2F..%2Fadmin")]
    [InlineData("key?x=1")]
    public async Task KidOutsideTheKeyServer_IsNeverFetched(string kid)
    {
        var before = await SnapshotAsync();
        var fetches = _keys.Fetches;
        var token = JiraTokens.SignedInstall(_keys.Key, kid, _jira.ClientKey, _app.BaseUrl, "POST", "/installed");

        using var response = await _jira.SendSignedAsync("installed", token);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(fetches, _keys.Fetches);
        Assert.Equal(before, await SnapshotAsync());
    }

    [Theory]
    [InlineData("/installed")]
    [InlineData("/enabled")]
    [InlineData("/actions/on-entity-associated")]
    public async Task OversizedBody_IsRefused(string path)
    {
        var before = await SnapshotAsync();
        var token = path == "/installed"
            ? JiraTokens.SignedInstall(_keys.Key, _keys.KeyId, _jira.ClientKey, _app.BaseUrl, "POST", path)
            : JiraTokens.Hs256(_jira.ClientKey, _jira.SharedSecret, "POST", path);
        var body = _jira.Body(path.TrimStart('/'), withSecret: true);
        body["padding"] = new string('x', 2 * 1024 * 1024);

        using var response = await _jira.PostAsync(path, token, body);

        Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.RequestEntityTooLarge, $"{path} answered {(int)response.StatusCode}");
        Assert.Equal(before, await SnapshotAsync());
    }

    private string Payload(string qsh, long exp, string? padding = null)
        => padding is null
            ? $$"""{"iss":"{{_jira.ClientKey}}","aud":"{{_app.BaseUrl}}","qsh":"{{qsh}}","exp":{{exp}}}"""
            : $$"""{"iss":"{{_jira.ClientKey}}","aud":"{{_app.BaseUrl}}","qsh":"{{qsh}}","exp":{{exp}},"pad":"{{padding}}"}""";

    private JsonNode BodyFor(string path) => path switch
    {
        "/installed" => WithSecret(_jira.Body("installed", withSecret: true)),
        "/uninstalled" or "/enabled" or "/disabled" => _jira.Body(path.TrimStart('/'), withSecret: false),
        _ => JsonNode.Parse("""
            {"entity": {"id": "svc-1", "url": "https://example.com/svc-1"},
             "associateWith": {"ati": "ati:cloud:jira:project", "id": "10000"}, "disassociateFrom": {"ati": "ati:cloud:jira:project", "id": "10000"},
             "associatedWith": {"ati": "ati:cloud:jira:project", "id": "10000"}, "disassociatedFrom": {"ati": "ati:cloud:jira:project", "id": "10000"}}
            """)!,
    };

    // An attacker who gets through would install its own secret.
    private static JsonObject WithSecret(JsonObject body)
    {
        body["sharedSecret"] = "attacker-chosen-secret";
        return body;
    }

    /// <summary>Everything an accepted call could change: tenants, their events and associations.</summary>
    private async Task<string> SnapshotAsync()
    {
        await using var connection = new NpgsqlConnection(_app.ConnectionString);
        var tenants = await connection.QueryAsync<string>("SELECT client_key || state || shared_secret || updated_at::text FROM tenants ORDER BY client_key");
        var events = await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM tenant_events");
        var associationRows = await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM association_log");
        return string.Join("|", tenants) + $"|events={events}|associations={associationRows}";
    }
}
