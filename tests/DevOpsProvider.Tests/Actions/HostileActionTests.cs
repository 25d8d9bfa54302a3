using System.Text.Json.Nodes;
using DevOpsProvider.JiraEmulator;
using DevOpsProvider.Tests.Infrastructure;

namespace DevOpsProvider.Tests.Actions;

/// <summary>Control characters in a signed action call: 400 naming the field, nothing recorded, later calls still work.</summary>
public sealed class HostileActionTests : IAsyncLifetime
{
    private EmulatedJira _jira = null!;
    private EmulatorSite _site = null!;

    public async Task InitializeAsync()
    {
        _jira = await EmulatedJira.StartAsync();
        _site = await _jira.InstallSiteAsync();
    }

    public async Task DisposeAsync() => await _jira.DisposeAsync();

    private async Task<JsonArray> AssociationsAsync()
    {
        var body = JsonNode.Parse(await _jira.Api.GetStringAsync($"api/v1/tenants/{Uri.EscapeDataString(_site.ClientKey)}/associations"))!;
        return body["associations"]!.AsArray();
    }

    [Theory]
    [InlineData("svc\0nul", "10042", "entity.id")]
    [InlineData("svc-ok", "100\u001b42", "associatedWith.id")]
    public async Task OnEntityAssociated_WithAControlCharacter_Answers400NamingTheField_AndRecordsNothing(string componentId, string projectId, string field)
    {
        var refused = await _jira.Emulator.CallActionAsync(_site.ClientKey, "onEntityAssociated", new ActionCallRequest(componentId, null, "project", projectId));
        var accepted = await _jira.Emulator.CallActionAsync(_site.ClientKey, "onEntityAssociated", new ActionCallRequest("svc-ok", null, "project", "10042"));

        Assert.Equal(400, refused.Status);
        Assert.Contains($"{field}: must not contain control characters", refused.Body, StringComparison.Ordinal);
        Assert.True(accepted.Status is >= 200 and < 300, $"{accepted.Status}: {accepted.Body}");
        var association = Assert.Single(await AssociationsAsync());
        Assert.Equal("svc-ok", (string?)association!["componentId"]);
        Assert.Equal("10042", (string?)association["targetId"]);
    }
}
