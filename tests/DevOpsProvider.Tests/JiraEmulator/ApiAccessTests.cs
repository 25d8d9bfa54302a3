using System.Net;

namespace DevOpsProvider.Tests.JiraEmulator;

/// <summary>403 when the app lacks the scope an operation needs (Connect scopes imply the lower ones) or is not installed.</summary>
public sealed class ApiAccessTests
{
    [Fact]
    public async Task ReadScopeOnly_AllowsGet_ButSubmitAndDeletesAre403()
    {
        await using var bed = await EmulatorTestBed.StartAsync(changeDescriptor: d => d["scopes"] = new System.Text.Json.Nodes.JsonArray("READ"));

        Assert.Equal(HttpStatusCode.Forbidden, (await bed.SubmitAsync(Components.Valid("c-1"))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await bed.DeleteAsync("c-1")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await bed.SendAsync(HttpMethod.Delete, "/rest/devopscomponents/1.0/bulkByProperties?a=b")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await bed.GetAsync("c-1")).StatusCode);
        var message = (string)(await EmulatorTestBed.JsonAsync(await bed.SubmitAsync(Components.Valid("c-1"))))[0]!["message"]!;
        Assert.Contains("WRITE", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WriteScopeOnly_ImpliesRead_ButDeletesAre403()
    {
        await using var bed = await EmulatorTestBed.StartAsync(changeDescriptor: d => d["scopes"] = new System.Text.Json.Nodes.JsonArray("write"));

        Assert.Equal(HttpStatusCode.Accepted, (await bed.SubmitAsync(Components.Valid("c-1"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await bed.GetAsync("c-1")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await bed.DeleteAsync("c-1")).StatusCode);
    }

    [Fact]
    public async Task NoScopes_EveryOperationIs403()
    {
        await using var bed = await EmulatorTestBed.StartAsync(changeDescriptor: d => d.Remove("scopes"));

        Assert.Equal(HttpStatusCode.Forbidden, (await bed.GetAsync("c-1")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await bed.SubmitAsync(Components.Valid("c-1"))).StatusCode);
    }

    [Fact]
    public async Task UninstalledSite_WithAValidToken_Returns403AndStoresNothing()
    {
        await using var bed = await EmulatorTestBed.StartAsync();
        await bed.Emulator.UninstallAsync(bed.Site.ClientKey);

        var response = await bed.SubmitAsync(Components.Valid("c-1"));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("not installed", (string)(await EmulatorTestBed.JsonAsync(response))[0]!["message"]!, StringComparison.Ordinal);
        Assert.Empty(bed.Site.Components);
        Assert.True(bed.Emulator.Requests[^1].JwtVerified);
    }

    [Fact]
    public async Task UnknownSitePath_Returns404()
    {
        await using var bed = await EmulatorTestBed.StartAsync();
        using var http = new HttpClient();
        var response = await http.GetAsync(bed.Emulator.BaseUrl + "/sites/no-such-site/rest/devopscomponents/1.0/c-1");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
