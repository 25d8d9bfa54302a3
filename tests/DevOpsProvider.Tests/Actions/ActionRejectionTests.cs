using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using DevOpsProvider.Connect;
using DevOpsProvider.JiraEmulator;
using DevOpsProvider.Tests.Infrastructure;

namespace DevOpsProvider.Tests.Actions;

/// <summary>Hand-built calls to the actions: every rejection, and isolation between sites.</summary>
public sealed class ActionRejectionTests : IAsyncLifetime
{
    private const string OnAssociated = "/actions/on-entity-associated";
    private EmulatedJira _jira = null!;
    private EmulatorSite _a = null!;
    private EmulatorSite _b = null!;

    public async Task InitializeAsync()
    {
        _jira = await EmulatedJira.StartAsync();
        _a = await _jira.InstallSiteAsync();
        _b = await _jira.InstallSiteAsync();
        await _jira.PutComponentAsync("svc-1", "https://components.example.com/svc-1");
    }

    public async Task DisposeAsync() => await _jira.DisposeAsync();

    private static string Body(string componentId = "svc-1", string targetId = "10000", string? clientKey = null) => $$"""
        {"entity": {"id": "{{componentId}}"}, "associatedWith": {"ati": "ati:cloud:jira:project", "id": "{{targetId}}"},
         "disassociatedFrom": {"ati": "ati:cloud:jira:project", "id": "{{targetId}}"}, "user": {"id": "u-1"}{{(clientKey is null ? "" : $", \"clientKey\": \"{clientKey}\"")}}}
        """;

    private Task<HttpResponseMessage> SendAsync(string path, string body, EmulatorSite? signer, string? qsh = null, string method = "POST")
    {
        var token = signer is null ? null : ConnectJwt.Create(signer.ClientKey, signer.SharedSecret, qsh ?? QueryStringHash.Compute(method, path), DateTimeOffset.UtcNow, TimeSpan.FromMinutes(3));
        return SendWithTokenAsync(path, body, token, method);
    }

    private async Task<HttpResponseMessage> SendWithTokenAsync(string path, string body, string? token, string method = "POST")
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path.TrimStart('/')) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("JWT", token);
        }

        return await _jira.App.Client.SendAsync(request);
    }

    private async Task<int> AssociationCountAsync(EmulatorSite site)
        => JsonNode.Parse(await _jira.Api.GetStringAsync($"api/v1/tenants/{site.ClientKey}/associations"))!["associations"]!.AsArray().Count;

    [Fact]
    public async Task SignedCall_AsPutOrPost_IsAccepted()
    {
        using var post = await SendAsync(OnAssociated, Body(targetId: "1"), _a);
        using var put = await SendAsync(OnAssociated, Body(targetId: "2"), _a, method: "PUT");

        Assert.Equal(HttpStatusCode.OK, post.StatusCode);
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal(2, await AssociationCountAsync(_a));
    }

    [Fact]
    public async Task NoToken_Returns401()
    {
        using var response = await SendAsync(OnAssociated, Body(), null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(0, await AssociationCountAsync(_a));
    }

    [Fact]
    public async Task AnotherSitesSecret_Returns401()
    {
        var token = ConnectJwt.Create(_a.ClientKey, _b.SharedSecret, QueryStringHash.Compute("POST", OnAssociated), DateTimeOffset.UtcNow, TimeSpan.FromMinutes(3));

        using var response = await SendWithTokenAsync(OnAssociated, Body(), token);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task ContextQsh_Returns401()
    {
        using var response = await SendAsync(OnAssociated, Body(), _a, QueryStringHash.ContextQsh);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("context-qsh", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task BadQsh_Returns401()
    {
        using var response = await SendAsync(OnAssociated, Body(), _a, QueryStringHash.Compute("POST", "/actions/on-entity-disassociated"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData("not json", "not valid JSON")]
    [InlineData("[1,2]", "JSON object")]
    [InlineData("""{"associatedWith": {"ati": "ati:cloud:jira:project", "id": "1"}}""", "entity")]
    [InlineData("""{"entity": {}, "associatedWith": {"ati": "ati:cloud:jira:project", "id": "1"}}""", "entity")]
    [InlineData("""{"entity": {"id": "svc-1"}}""", "associatedWith")]
    [InlineData("""{"entity": {"id": "svc-1"}, "associatedWith": {"ati": "ati:cloud:confluence:page", "id": "1"}}""", "associatedWith.ati")]
    [InlineData("""{"entity": {"id": "svc-1"}, "associatedWith": {"ati": "ati:cloud:jira:issue"}}""", "associatedWith.id")]
    public async Task MalformedBody_Returns400NamingTheProblem(string body, string reason)
    {
        using var response = await SendAsync(OnAssociated, body, _a);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(reason, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await AssociationCountAsync(_a));
    }

    [Fact]
    public async Task AssociateEntity_ForUnknownComponent_Returns404()
    {
        var body = """{"entity": {"url": "https://components.example.com/none"}, "associateWith": {"ati": "ati:cloud:jira:issue", "id": "10001"}}""";

        using var response = await SendAsync("/actions/associate-entity", body, _a);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task SiteA_CannotChangeSiteBsAssociations_EvenNamingBInTheBody()
    {
        using (var forB = await SendAsync(OnAssociated, Body(), _b))
        {
            Assert.Equal(HttpStatusCode.OK, forB.StatusCode);
        }

        using var attempt = await SendAsync("/actions/on-entity-disassociated", Body(clientKey: _b.ClientKey), _a);

        Assert.Equal(HttpStatusCode.OK, attempt.StatusCode);
        Assert.Equal(1, await AssociationCountAsync(_b));
        Assert.Equal(0, await AssociationCountAsync(_a));
    }

    [Fact]
    public async Task SiteA_CannotSeeSiteBsAssociations_ThroughTheActions()
    {
        using (var forB = await SendAsync(OnAssociated, Body(targetId: "777"), _b))
        {
            Assert.Equal(HttpStatusCode.OK, forB.StatusCode);
        }

        var body = """{"entity": {"url": "https://components.example.com/svc-1"}, "associateWith": {"ati": "ati:cloud:jira:project", "id": "888"}, "clientKey": "B"}"""
            .Replace("\"B\"", $"\"{_b.ClientKey}\"", StringComparison.Ordinal);
        using var response = await SendAsync("/actions/associate-entity", body, _a);

        // A's answer is the catalog component only; B's link stays B's, A gets its own.
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain("777", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(1, await AssociationCountAsync(_b));
        Assert.Equal(1, await AssociationCountAsync(_a));
    }
}
