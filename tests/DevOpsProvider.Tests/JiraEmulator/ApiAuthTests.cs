using System.Buffers.Text;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using DevOpsProvider.Connect;

namespace DevOpsProvider.Tests.JiraEmulator;

public sealed class ApiAuthTests : IAsyncLifetime
{
    private const string Path = EmulatorTestBed.Bulk;
    private EmulatorTestBed _bed = null!;
    private string _body = "";

    public async Task InitializeAsync()
    {
        _bed = await EmulatorTestBed.StartAsync();
        _body = Components.Submission([Components.Valid("c-1")]).ToJsonString();
    }

    public async Task DisposeAsync() => await _bed.DisposeAsync();

    [Fact]
    public async Task Submit_WithATokenSignedByConnectJwt_Returns202AndIsLoggedAsVerified()
    {
        var response = await _bed.SendAsync(HttpMethod.Post, Path, _body);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var logged = Assert.Single(_bed.Emulator.Requests);
        Assert.True(logged.JwtVerified);
        Assert.Equal((_bed.Site.ClientKey, "POST", Path, 202, 1), (logged.ClientKey, logged.Method, logged.Path, logged.Status, logged.ComponentCount));
        Assert.Equal(Encoding.UTF8.GetByteCount(_body), logged.BodyBytes);
    }

    [Fact]
    public async Task Submit_WithTheTokenInTheJwtQueryParameter_Returns202()
    {
        var token = _bed.Token(HttpMethod.Post, Path);
        var response = await _bed.SendAsync(HttpMethod.Post, Path + "?jwt=" + token, _body, token: "");
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    [Fact]
    public async Task Submit_WithoutAToken_Returns401WithAMessage()
    {
        var response = await _bed.SendAsync(HttpMethod.Post, Path, _body, token: "");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var messages = (await EmulatorTestBed.JsonAsync(response)).AsArray();
        Assert.Contains("JWT", (string)messages[0]!["message"]!, StringComparison.Ordinal);
        Assert.False(Assert.Single(_bed.Emulator.Requests).JwtVerified);
        Assert.Empty(_bed.Site.Components);
    }

    [Fact]
    public async Task Submit_SignedWithAnotherSecret_Returns401()
        => await AssertRefusedAsync(_bed.Token(HttpMethod.Post, Path, secret: "not-the-shared-secret"), "signature");

    [Fact]
    public async Task Submit_WithAnotherIssuer_Returns401()
        => await AssertRefusedAsync(_bed.Token(HttpMethod.Post, Path, issuer: "another-app"), "iss");

    [Fact]
    public async Task Submit_WithTheClientKeyAsIssuer_Returns401()
        => await AssertRefusedAsync(_bed.Token(HttpMethod.Post, Path, issuer: _bed.Site.ClientKey), "iss");

    [Fact]
    public async Task Submit_WithAlgNoneAndNoSignature_Returns401()
        => await AssertRefusedAsync(Handmade("""{"alg":"none","typ":"JWT"}""", Claims(), signature: ""), "malformed");

    [Fact]
    public async Task Submit_WithAlgNoneAndASignature_Returns401()
        => await AssertRefusedAsync(Handmade("""{"alg":"none","typ":"JWT"}""", Claims(), signature: "c2lnbmF0dXJl"), "algorithm");

    [Fact]
    public async Task Submit_WithAnHs512Header_Returns401()
        => await AssertRefusedAsync(
            ConnectJwt.Sign("""{"alg":"HS512","typ":"JWT"}"""u8, Encoding.UTF8.GetBytes(Claims().ToJsonString()), Encoding.UTF8.GetBytes(_bed.Site.SharedSecret)),
            "algorithm");

    [Fact]
    public async Task Submit_WithoutExp_Returns401()
    {
        var claims = Claims();
        claims.Remove("exp");
        await AssertRefusedAsync(Signed(claims), "exp");
    }

    [Fact]
    public async Task Submit_WithAnExpiredToken_Returns401()
        => await AssertRefusedAsync(_bed.Token(HttpMethod.Post, Path, issuedAt: DateTimeOffset.UtcNow.AddMinutes(-4)), "expired");

    [Fact]
    public async Task Submit_ExpiredWithinTheLeeway_Returns202()
    {
        // exp 10 seconds ago: inside the default 30 s leeway for clock skew.
        var token = _bed.Token(HttpMethod.Post, Path, issuedAt: DateTimeOffset.UtcNow.AddMinutes(-3).AddSeconds(-10));
        Assert.Equal(HttpStatusCode.Accepted, (await _bed.SendAsync(HttpMethod.Post, Path, _body, token)).StatusCode);
    }

    [Fact]
    public async Task Submit_WithTheQshOfAnotherRequest_Returns401()
        => await AssertRefusedAsync(_bed.Token(HttpMethod.Get, Path), "qsh");

    [Fact]
    public async Task Submit_WithAQshThatIgnoresTheSitesContextPath_Returns401()
    {
        var claims = Claims();
        claims["qsh"] = QueryStringHash.Compute("POST", new Uri(_bed.Site.BaseUrl).AbsolutePath + Path, null, null);
        await AssertRefusedAsync(Signed(claims), "qsh");
    }

    [Fact]
    public async Task Submit_WithContextQsh_Returns401()
    {
        var claims = Claims();
        claims["qsh"] = QueryStringHash.ContextQsh;
        await AssertRefusedAsync(Signed(claims), "context-qsh");
    }

    [Fact]
    public async Task Get_WithAQueryNotCoveredByTheQsh_Returns401()
    {
        var token = _bed.Token(HttpMethod.Get, "/rest/devopscomponents/1.0/c-1");
        var response = await _bed.SendAsync(HttpMethod.Get, "/rest/devopscomponents/1.0/c-1?extra=1", token: token);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    private async Task AssertRefusedAsync(string token, string reasonFragment)
    {
        var response = await _bed.SendAsync(HttpMethod.Post, Path, _body, token);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var message = (string)(await EmulatorTestBed.JsonAsync(response))[0]!["message"]!;
        Assert.Contains(reasonFragment, message, StringComparison.Ordinal);
        Assert.Empty(_bed.Site.Components);
        Assert.False(Assert.Single(_bed.Emulator.Requests).JwtVerified);
    }

    private JsonObject Claims()
    {
        var now = DateTimeOffset.UtcNow;
        return new JsonObject
        {
            ["iss"] = _bed.Site.AppKey,
            ["iat"] = now.ToUnixTimeSeconds(),
            ["exp"] = now.AddMinutes(3).ToUnixTimeSeconds(),
            ["qsh"] = QueryStringHash.Compute("POST", Path, null, null),
        };
    }

    private string Signed(JsonObject claims)
        => ConnectJwt.Sign("""{"alg":"HS256","typ":"JWT"}"""u8, Encoding.UTF8.GetBytes(claims.ToJsonString()), Encoding.UTF8.GetBytes(_bed.Site.SharedSecret));

    private static string Handmade(string header, JsonObject claims, string signature)
        => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(header)) + "." + Base64Url.EncodeToString(Encoding.UTF8.GetBytes(claims.ToJsonString())) + "." + signature;
}
