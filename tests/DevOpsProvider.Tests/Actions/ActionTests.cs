using System.Net;
using System.Text.Json.Nodes;
using DevOpsProvider.JiraEmulator;
using DevOpsProvider.Tests.Infrastructure;

namespace DevOpsProvider.Tests.Actions;

/// <summary>The four module actions, driven by the emulator's own signed action calls, as Jira makes them.</summary>
public sealed class ActionTests : IAsyncLifetime
{
    private EmulatedJira _jira = null!;
    private EmulatorSite _site = null!;

    public async Task InitializeAsync()
    {
        _jira = await EmulatedJira.StartAsync();
        _site = await _jira.InstallSiteAsync();
        await _jira.PutComponentAsync("svc/payments api", "https://components.example.com/payments", name: "Payments API");
    }

    public async Task DisposeAsync() => await _jira.DisposeAsync();

    private async Task<JsonArray> AssociationsAsync(string clientKey, string? componentId = null)
    {
        var query = componentId is null ? "" : "?componentId=" + Uri.EscapeDataString(componentId);
        var body = JsonNode.Parse(await _jira.Api.GetStringAsync($"api/v1/tenants/{Uri.EscapeDataString(clientKey)}/associations{query}"))!;
        return body["associations"]!.AsArray();
    }

    [Fact]
    public async Task AssociateEntity_ByUrl_RecordsTheLinkAndAnswersTheComponent()
    {
        var result = await _jira.Emulator.CallActionAsync(_site.ClientKey, "associateEntity",
            new ActionCallRequest(null, "https://components.example.com/payments", "issue", "10001", "user-42"));

        Assert.Equal(200, result.Status);
        var component = JsonNode.Parse(result.Body)!;
        Assert.Equal("svc/payments api", (string?)component["id"]);
        Assert.Equal("Payments API", (string?)component["name"]);
        Assert.Equal("1.0", (string?)component["schemaVersion"]);
        Assert.NotNull(component["updateSequenceNumber"]);
        var association = Assert.Single(await AssociationsAsync(_site.ClientKey));
        Assert.Equal("svc/payments api", (string?)association!["componentId"]);
        Assert.Equal("issue", (string?)association["targetType"]);
        Assert.Equal("10001", (string?)association["targetId"]);
        Assert.Equal(_site.CloudId, (string?)association["cloudId"]);
        Assert.Equal($"ari:cloud:jira:{_site.CloudId}:issue/10001", (string?)association["ari"]);
        Assert.Equal("user-42", (string?)association["associatedBy"]);
        Assert.True((bool?)association["componentKnown"]);
    }

    [Fact]
    public async Task AssociateEntity_WithUnknownUrl_Answers404WithAReason()
    {
        var result = await _jira.Emulator.CallActionAsync(_site.ClientKey, "associateEntity",
            new ActionCallRequest(null, "https://components.example.com/nothing-here", "issue", "10001"));

        Assert.Equal(404, result.Status);
        Assert.Contains("nothing-here", result.Body, StringComparison.Ordinal);
        Assert.Empty(await AssociationsAsync(_site.ClientKey));
    }

    [Fact]
    public async Task DisassociateEntity_RemovesTheLink_AndAnswersTheComponentAgainWhenAlreadyGone()
    {
        var request = new ActionCallRequest(null, "https://components.example.com/payments", "issue", "10001");
        await _jira.Emulator.CallActionAsync(_site.ClientKey, "associateEntity", request);

        var first = await _jira.Emulator.CallActionAsync(_site.ClientKey, "disassociateEntity", request);
        var second = await _jira.Emulator.CallActionAsync(_site.ClientKey, "disassociateEntity", request);

        Assert.Equal(200, first.Status);
        Assert.Equal(200, second.Status);
        Assert.Equal("svc/payments api", (string?)JsonNode.Parse(second.Body)!["id"]);
        Assert.Empty(await AssociationsAsync(_site.ClientKey));
    }

    [Fact]
    public async Task DisassociateEntity_WithUnknownUrl_Answers404()
    {
        var result = await _jira.Emulator.CallActionAsync(_site.ClientKey, "disassociateEntity",
            new ActionCallRequest(null, "https://components.example.com/unknown", "project", "10000"));

        Assert.Equal(404, result.Status);
    }

    [Fact]
    public async Task OnEntityAssociated_RecordsTheProjectLink_WithEmptyBody_AndRepeatsAreHarmless()
    {
        var request = new ActionCallRequest("svc/payments api", null, "project", "10000", "user-7");

        var first = await _jira.Emulator.CallActionAsync(_site.ClientKey, "onEntityAssociated", request);
        var repeat = await _jira.Emulator.CallActionAsync(_site.ClientKey, "onEntityAssociated", request);

        Assert.Equal(200, first.Status);
        Assert.Equal("", first.Body);
        Assert.Equal(200, repeat.Status);
        var association = Assert.Single(await AssociationsAsync(_site.ClientKey, "svc/payments api"));
        Assert.Equal("project", (string?)association!["targetType"]);
        Assert.Equal("user-7", (string?)association["associatedBy"]);
    }

    [Fact]
    public async Task OnEntityAssociated_ForAComponentTheCatalogDoesNotKnow_IsRecordedAndFlagged()
    {
        var result = await _jira.Emulator.CallActionAsync(_site.ClientKey, "onEntityAssociated",
            new ActionCallRequest("legacy-component", null, "project", "10000"));

        Assert.Equal(200, result.Status);
        var association = Assert.Single(await AssociationsAsync(_site.ClientKey));
        Assert.Equal("legacy-component", (string?)association!["componentId"]);
        Assert.False((bool?)association["componentKnown"]);
    }

    [Fact]
    public async Task OnEntityDisassociated_RemovesTheLink_AndRepeatsAreHarmless()
    {
        var request = new ActionCallRequest("svc/payments api", null, "project", "10000");
        await _jira.Emulator.CallActionAsync(_site.ClientKey, "onEntityAssociated", request);

        var first = await _jira.Emulator.CallActionAsync(_site.ClientKey, "onEntityDisassociated", request);
        var repeat = await _jira.Emulator.CallActionAsync(_site.ClientKey, "onEntityDisassociated", request);

        Assert.Equal(200, first.Status);
        Assert.Equal(200, repeat.Status);
        Assert.Empty(await AssociationsAsync(_site.ClientKey));
    }

    [Fact]
    public async Task ManyConcurrentNotifications_AreAllCommitted()
    {
        // Group commit: changes arriving together are written together, and every one of them lands.
        var calls = Enumerable.Range(0, 120).Select(i => _jira.Emulator.CallActionAsync(_site.ClientKey, "onEntityAssociated",
            new ActionCallRequest("svc/payments api", null, i % 2 == 0 ? "issue" : "project", (20_000 + i).ToString(System.Globalization.CultureInfo.InvariantCulture))));

        var results = await Task.WhenAll(calls);

        Assert.All(results, r => Assert.Equal(200, r.Status));
        Assert.Equal(120, (await AssociationsAsync(_site.ClientKey)).Count);
    }

    [Fact]
    public async Task AssociationsApi_WithoutApiKey_Returns401()
    {
        using var response = await _jira.App.Client.GetAsync($"api/v1/tenants/{_site.ClientKey}/associations");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
