using System.Net;
using System.Text.Json.Nodes;
using DevOpsProvider.JiraEmulator;
using Microsoft.Extensions.Time.Testing;

namespace DevOpsProvider.Tests.JiraEmulator;

public sealed class ComponentRoutesTests : IAsyncLifetime
{
    private const string Api = "/rest/devopscomponents/1.0/";
    private EmulatorTestBed _bed = null!;

    public async Task InitializeAsync() => _bed = await EmulatorTestBed.StartAsync();

    public async Task DisposeAsync() => await _bed.DisposeAsync();

    [Theory]
    [InlineData("plain-id")]
    [InlineData("team/payments/api")]
    [InlineData("urn:service:billing")]
    [InlineData("with spaces and & ampersand")]
    [InlineData("ünïcödé+plus%percent")]
    public async Task GetAndDelete_ById_WorkForIdsWithSlashesColonsAndSpaces(string id)
    {
        await _bed.SubmitAsync(Components.Valid(id));

        var get = await _bed.GetAsync(id);
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal(id, (string?)(await EmulatorTestBed.JsonAsync(get))["id"]);

        Assert.Equal(HttpStatusCode.Accepted, (await _bed.DeleteAsync(id)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _bed.GetAsync(id)).StatusCode);
    }

    [Fact]
    public async Task Get_ReturnsTheComponentAsStored_WithoutProperties()
    {
        var component = Components.Valid("c-1", 42);
        await _bed.SendAsync(HttpMethod.Post, EmulatorTestBed.Bulk,
            Components.Submission([component], new JsonObject { ["team"] = "a" }).ToJsonString());

        var json = await EmulatorTestBed.JsonAsync(await _bed.GetAsync("c-1"));

        Assert.True(JsonNode.DeepEquals(component, json));
    }

    [Fact]
    public async Task Get_AnUnknownId_Returns404()
        => Assert.Equal(HttpStatusCode.NotFound, (await _bed.GetAsync("nope")).StatusCode);

    [Fact]
    public async Task Delete_AnUnknownId_Returns202()
        => Assert.Equal(HttpStatusCode.Accepted, (await _bed.DeleteAsync("nope")).StatusCode);

    [Fact]
    public async Task CurrentWireForm_SingleComponentRoutes_GetAndDelete()
    {
        const string id = "team/api:v2 beta";
        await _bed.SubmitAsync(Components.Valid(id));
        var path = Api + "devopscomponents/" + Uri.EscapeDataString(id);

        var get = await _bed.SendAsync(HttpMethod.Get, path);
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal(id, (string?)(await EmulatorTestBed.JsonAsync(get))["id"]);
        Assert.Equal(HttpStatusCode.Accepted, (await _bed.SendAsync(HttpMethod.Delete, path)).StatusCode);
        Assert.Null(_bed.Site.GetComponent(id));
    }

    [Fact]
    public async Task Delete_AfterwardsTheSameIdCanBeSubmittedAgain()
    {
        await _bed.SubmitAsync(Components.Valid("c-1", 10));
        await _bed.DeleteAsync("c-1");

        await _bed.SubmitAsync(Components.Valid("c-1", 5));

        Assert.Equal(5, _bed.Site.GetComponent("c-1")!.UpdateSequenceNumber);
    }

    [Fact]
    public async Task DeleteByProperties_DeletesOnlyComponentsMatchingAllGivenProperties()
    {
        await SubmitWithAsync("a-x", new() { ["account"] = "a", ["project"] = "x" });
        await SubmitWithAsync("a-y", new() { ["account"] = "a", ["project"] = "y" });
        await SubmitWithAsync("b-x", new() { ["account"] = "b", ["project"] = "x" });
        await SubmitWithAsync("none", null);

        var response = await _bed.SendAsync(HttpMethod.Delete, Api + "bulkByProperties?account=a&project=x");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(["a-y", "b-x", "none"], _bed.Site.Components.Select(c => c.Id));

        await _bed.SendAsync(HttpMethod.Delete, Api + "bulkByProperties?account=a");
        Assert.Equal(["b-x", "none"], _bed.Site.Components.Select(c => c.Id));
    }

    [Fact]
    public async Task DeleteByProperties_WithEncodedValues_MatchesTheDecodedValue()
    {
        await SubmitWithAsync("c-1", new() { ["owner"] = "team a&b" });

        var response = await _bed.SendAsync(HttpMethod.Delete, Api + "bulkByProperties?owner=" + Uri.EscapeDataString("team a&b"));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Empty(_bed.Site.Components);
    }

    [Fact]
    public async Task DeleteByProperties_WithoutAnyProperty_Returns400AndDeletesNothing()
    {
        await SubmitWithAsync("c-1", new() { ["account"] = "a" });

        var response = await _bed.SendAsync(HttpMethod.Delete, Api + "bulkByProperties");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("propert", (string)(await EmulatorTestBed.JsonAsync(response))[0]!["message"]!, StringComparison.Ordinal);
        Assert.Single(_bed.Site.Components);
    }

    [Fact]
    public async Task UnknownRoutes_Return404Or405()
    {
        Assert.Equal(HttpStatusCode.NotFound, (await _bed.SendAsync(HttpMethod.Get, "/rest/api/3/myself")).StatusCode);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, (await _bed.SendAsync(HttpMethod.Get, EmulatorTestBed.Bulk)).StatusCode);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, (await _bed.SendAsync(HttpMethod.Put, Api + "c-1", "{}")).StatusCode);
    }

    [Fact]
    public async Task VisibilityDelay_AcceptedDataAndDeletesAppearOnlyAfterTheDelay()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var bed = await EmulatorTestBed.StartAsync(new EmulatorOptions { VisibilityDelay = TimeSpan.FromSeconds(5) }, time);

        Assert.Equal(HttpStatusCode.Accepted, (await bed.SubmitAsync(Components.Valid("c-1", 1, name: "first"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await bed.GetAsync("c-1")).StatusCode);
        Assert.Empty(bed.Site.Components);

        time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(HttpStatusCode.OK, (await bed.GetAsync("c-1")).StatusCode);

        await bed.SubmitAsync(Components.Valid("c-1", 2, name: "second"));
        await bed.DeleteAsync("other");
        Assert.Equal("first", (string?)(await EmulatorTestBed.JsonAsync(await bed.GetAsync("c-1")))["name"]);
        time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal("second", (string?)(await EmulatorTestBed.JsonAsync(await bed.GetAsync("c-1")))["name"]);

        await bed.DeleteAsync("c-1");
        Assert.Equal(HttpStatusCode.OK, (await bed.GetAsync("c-1")).StatusCode);
        time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(HttpStatusCode.NotFound, (await bed.GetAsync("c-1")).StatusCode);
    }

    private async Task SubmitWithAsync(string id, Dictionary<string, string>? properties)
    {
        var props = properties is null ? null : new JsonObject(properties.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value)));
        var response = await _bed.SendAsync(HttpMethod.Post, EmulatorTestBed.Bulk, Components.Submission([Components.Valid(id)], props).ToJsonString());
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }
}
