using System.Net;
using System.Net.Http.Json;
using DevOpsProvider.Connect;
using DevOpsProvider.JiraEmulator;

namespace DevOpsProvider.Tests.JiraEmulator;

/// <summary>Jira calling the app's module actions (PROTOCOL.md section 7), signed HS256 with a qsh over the exact request.</summary>
public sealed class ActionCallTests : IAsyncLifetime
{
    private EmulatorTestBed _bed = null!;

    public async Task InitializeAsync() => _bed = await EmulatorTestBed.StartAsync();

    public async Task DisposeAsync() => await _bed.DisposeAsync();

    [Theory]
    [InlineData("associateEntity", "/actions/associate", "associateWith")]
    [InlineData("disassociateEntity", "/actions/disassociate", "disassociateFrom")]
    public async Task AssociateAndDisassociate_PostTheComponentUrlAndIssue_WithUserIdInTheQuery(string action, string path, string targetField)
    {
        var result = await _bed.Emulator.CallActionAsync(_bed.Site.ClientKey, action,
            new ActionCallRequest(null, "https://example.com/components/c-1", "issue", "10001", "user-42"));

        Assert.Equal(200, result.Status);
        Assert.Contains("mini-app", result.Body, StringComparison.Ordinal);
        var call = Assert.Single(_bed.App.CallsTo(path));
        Assert.Equal("POST", call.Method);
        Assert.Equal("?userId=user-42", call.RawQuery);
        AssertSignedForThisRequest(call);
        Assert.Equal("https://example.com/components/c-1", (string?)call.Body!["entity"]!["url"]);
        var target = call.Body[targetField]!;
        Assert.Equal("ati:cloud:jira:issue", (string?)target["ati"]);
        Assert.Equal($"ari:cloud:jira:{_bed.Site.CloudId}:issue/10001", (string?)target["ari"]);
        Assert.Equal(_bed.Site.CloudId, (string?)target["cloudId"]);
        Assert.Equal("10001", (string?)target["id"]);
    }

    [Theory]
    [InlineData("onEntityAssociated", "/actions/on-associated", "associatedWith")]
    [InlineData("onEntityDisassociated", "/actions/on-disassociated", "disassociatedFrom")]
    public async Task OnEntityNotifications_PutTheComponentIdProjectAndUser(string action, string path, string targetField)
    {
        var result = await _bed.Emulator.CallActionAsync(_bed.Site.ClientKey, action,
            new ActionCallRequest("team/api:v2", null, "project", "10000", "user-7"));

        Assert.Equal(200, result.Status);
        var call = Assert.Single(_bed.App.CallsTo(path));
        Assert.Equal("PUT", call.Method);
        AssertSignedForThisRequest(call);
        Assert.Equal("team/api:v2", (string?)call.Body!["entity"]!["id"]);
        Assert.StartsWith("ari:cloud:", (string?)call.Body["entity"]!["ari"], StringComparison.Ordinal);
        Assert.Equal("ati:cloud:jira:project", (string?)call.Body[targetField]!["ati"]);
        Assert.Equal("10000", (string?)call.Body[targetField]!["id"]);
        Assert.Equal("user-7", (string?)call.Body["user"]!["id"]);
    }

    [Fact]
    public async Task ActionCall_PassesTheAppsStatusThrough()
    {
        _bed.App.Answers["/actions/associate"] = 404;

        var result = await _bed.Emulator.CallActionAsync(_bed.Site.ClientKey, "associateEntity",
            new ActionCallRequest(null, "https://example.com/unknown", "issue", "1"));

        Assert.Equal(404, result.Status);
    }

    [Fact]
    public async Task ActionCall_AnUnknownAction_IsRefusedWithoutCallingTheApp()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => _bed.Emulator.CallActionAsync(_bed.Site.ClientKey, "explode",
            new ActionCallRequest("c-1", null, "issue", "1")));
        Assert.DoesNotContain(_bed.App.Calls, c => c.RawPath.Contains("/actions/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ActionCallOverHttp_AnswersWithTheAppsStatusAndBody()
    {
        using var http = new HttpClient();
        var response = await http.PostAsJsonAsync($"{_bed.Emulator.BaseUrl}/_emulator/sites/{_bed.Site.ClientKey}/actions/onEntityAssociated",
            new { componentId = "c-1", targetType = "project", targetId = "10000" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("on-associated", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("emulator-user", (string?)Assert.Single(_bed.App.CallsTo("/actions/on-associated")).Body!["user"]!["id"]);
    }

    private void AssertSignedForThisRequest(MiniConnectApp.ReceivedCall call)
    {
        Assert.StartsWith("JWT ", call.Authorization, StringComparison.Ordinal);
        var jwt = ConnectJwt.Read(call.Authorization![4..])!;
        var check = ConnectJwt.VerifyHs256(jwt, _bed.Site.SharedSecret, DateTimeOffset.UtcNow, TimeSpan.Zero);
        Assert.True(check.Succeeded, check.Reason);
        Assert.Equal(_bed.Site.ClientKey, ConnectJwt.GetString(jwt, "iss"));
        Assert.True(QueryStringHash.Matches(ConnectJwt.GetString(jwt, "qsh")!, call.Method, call.RawPath, call.RawQuery, "/app"),
            "qsh covers the method, the path relative to the app's baseUrl, and the query");
    }
}
