using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using DevOpsProvider.Connect;
using DevOpsProvider.JiraEmulator;

namespace DevOpsProvider.Tests.JiraEmulator;

public sealed class InstallFlowTests
{
    [Fact]
    public async Task Install_SendsInstalledSignedRs256_ThatVerifiesWithThePublishedKey()
    {
        await using var bed = await EmulatorTestBed.StartAsync();
        var installed = Assert.Single(bed.App.CallsTo("/installed"));

        var jwt = ConnectJwt.Read(installed.Authorization!["JWT ".Length..]);
        Assert.NotNull(jwt);
        Assert.Equal("RS256", jwt.Alg);
        using var http = new HttpClient();
        var pem = await http.GetStringAsync(bed.Emulator.InstallKeysBaseUrl + "/" + jwt.Kid);
        using var key = RSA.Create();
        key.ImportFromPem(pem);
        var check = await SignedInstallToken.VerifyAsync(jwt, key, bed.App.BaseUrl, DateTimeOffset.UtcNow, TimeSpan.FromSeconds(10));
        Assert.True(check.Succeeded, check.Reason);
        Assert.Equal(bed.Site.ClientKey, ConnectJwt.GetString(jwt, "iss"));
        // qsh of POST /installed relative to the app's context path /app.
        Assert.True(QueryStringHash.Matches(ConnectJwt.GetString(jwt, "qsh")!, "POST", installed.RawPath, installed.RawQuery, "/app"));
        Assert.Equal(QueryStringHash.Compute("POST", "/installed", null, null), ConnectJwt.GetString(jwt, "qsh"));
    }

    [Fact]
    public async Task Install_BodyCarriesTheLifecycleFieldsOfProtocolSection2()
    {
        await using var bed = await EmulatorTestBed.StartAsync();
        var body = Assert.Single(bed.App.CallsTo("/installed")).Body!;

        Assert.Equal("mini-app", (string?)body["key"]);
        Assert.Equal(bed.Site.ClientKey, (string?)body["clientKey"]);
        Assert.Equal(bed.Site.SharedSecret, (string?)body["sharedSecret"]);
        Assert.Equal(bed.Site.BaseUrl, (string?)body["baseUrl"]);
        Assert.Equal(bed.Site.BaseUrl, (string?)body["displayUrl"]);
        Assert.Equal("jira", (string?)body["productType"]);
        Assert.Equal("installed", (string?)body["eventType"]);
        Assert.Equal(bed.Site.CloudId, (string?)body["cloudId"]);
        Assert.StartsWith("ari:cloud:ecosystem::installation/", (string?)body["installationId"], StringComparison.Ordinal);
        foreach (var field in new[] { "description", "serviceEntitlementNumber", "oauthClientId" })
        {
            Assert.False(string.IsNullOrEmpty((string?)body[field]), field);
        }

        Assert.StartsWith(bed.Emulator.BaseUrl + "/sites/", bed.Site.BaseUrl, StringComparison.Ordinal);
        Assert.True(bed.Site.SharedSecret.Length >= 32);
    }

    [Fact]
    public async Task Install_ThenSendsEnabledSignedHs256WithTheSharedSecretAndNoSecretInTheBody()
    {
        await using var bed = await EmulatorTestBed.StartAsync();
        var enabled = Assert.Single(bed.App.CallsTo("/enabled"));

        var jwt = ConnectJwt.Read(enabled.Authorization!["JWT ".Length..])!;
        var check = ConnectJwt.VerifyHs256(jwt, bed.Site.SharedSecret, DateTimeOffset.UtcNow, TimeSpan.Zero);
        Assert.True(check.Succeeded, check.Reason);
        Assert.Equal(bed.Site.ClientKey, ConnectJwt.GetString(jwt, "iss"));
        Assert.True(QueryStringHash.Matches(ConnectJwt.GetString(jwt, "qsh")!, "POST", enabled.RawPath, enabled.RawQuery, "/app"));
        Assert.Equal("enabled", (string?)enabled.Body!["eventType"]);
        Assert.Null(enabled.Body["sharedSecret"]);
        Assert.Equal("enabled", bed.Site.State);
        Assert.Same(bed.Site, bed.Emulator.FindSite(bed.Site.ClientKey));
    }

    [Fact]
    public async Task Install_RefusedByTheApp_KeepsNoSiteAndReportsTheAppsAnswer()
    {
        await using var emulator = await JiraEmulatorServer.StartAsync();
        await using var app = await MiniConnectApp.StartAsync();
        app.Answers["/installed"] = 401;

        var ex = await Assert.ThrowsAsync<EmulatorInstallException>(() => emulator.InstallAsync(app.DescriptorUrl));

        Assert.Equal(401, ex.Status);
        Assert.Empty(emulator.Sites);
        Assert.Empty(app.CallsTo("/enabled"));
    }

    [Fact]
    public async Task InstallOverHttp_Answers201WithClientKeyAndBaseUrl_Or502WhenRefused()
    {
        await using var emulator = await JiraEmulatorServer.StartAsync();
        await using var app = await MiniConnectApp.StartAsync();
        using var http = new HttpClient();

        var created = await http.PostAsJsonAsync(emulator.BaseUrl + "/_emulator/sites", new { descriptorUrl = app.DescriptorUrl });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var json = await EmulatorTestBed.JsonAsync(created);
        var site = emulator.FindSite((string)json["clientKey"]!);
        Assert.NotNull(site);
        Assert.Equal(site.BaseUrl, (string?)json["baseUrl"]);

        app.Answers["/installed"] = 400;
        var refused = await http.PostAsJsonAsync(emulator.BaseUrl + "/_emulator/sites", new { descriptorUrl = app.DescriptorUrl });
        Assert.Equal(HttpStatusCode.BadGateway, refused.StatusCode);
        Assert.Equal(400, (int)(await EmulatorTestBed.JsonAsync(refused))["status"]!);
        Assert.Single(emulator.Sites);
    }

    /// <summary>One broken rule each: (descriptor, module) edited, and the field the refusal must name.</summary>
    private static readonly Dictionary<string, (Action<JsonObject, JsonObject> Edit, string Field)> Breaks = new()
    {
        ["app key with a space"] = ((d, _) => d["key"] = "has space", "key"),
        ["no name"] = ((d, _) => d.Remove("name"), "name"),
        ["relative baseUrl"] = ((d, _) => d["baseUrl"] = "/relative", "baseUrl"),
        ["authentication none"] = ((d, _) => d["authentication"]!["type"] = "none", "authentication.type"),
        ["unsigned install"] = ((d, _) => d["apiMigrations"]!["signed-install"] = false, "signed-install"),
        ["no installed callback"] = ((d, _) => d["lifecycle"]!.AsObject().Remove("installed"), "lifecycle.installed"),
        ["unknown scope"] = ((d, _) => d["scopes"] = new JsonArray("READ", "FLY"), "scopes"),
        ["no module"] = ((d, _) => d["modules"] = new JsonObject(), "jiraDevOpsComponentProvider"),
        ["no module key"] = ((_, m) => m.Remove("key"), "key"),
        ["module key with underscore"] = ((_, m) => m["key"] = "bad_key", "key"),
        ["module key of 101 characters"] = ((_, m) => m["key"] = new string('k', 101), "key"),
        ["module name without value"] = ((_, m) => m["name"] = new JsonObject(), "name.value"),
        ["no homeUrl"] = ((_, m) => m.Remove("homeUrl"), "homeUrl"),
        ["an action missing"] = ((_, m) => m["actions"]!.AsObject().Remove("onEntityDisassociated"), "onEntityDisassociated"),
        ["an action without templateUrl"] = ((_, m) => m["actions"]!["associateEntity"] = new JsonObject(), "associateEntity.templateUrl"),
    };

    public static TheoryData<string> BrokenDescriptors => [.. Breaks.Keys];

    [Theory]
    [MemberData(nameof(BrokenDescriptors))]
    public async Task Install_WithABrokenDescriptor_IsRefusedNamingTheField(string broken)
    {
        await using var emulator = await JiraEmulatorServer.StartAsync();
        await using var app = await MiniConnectApp.StartAsync();
        var (edit, field) = Breaks[broken];
        edit(app.Descriptor, app.Descriptor["modules"]![DescriptorRules.ModuleName]!.AsObject());

        var ex = await Assert.ThrowsAsync<EmulatorInstallException>(() => emulator.InstallAsync(app.DescriptorUrl));

        Assert.Contains(field, ex.Reason, StringComparison.Ordinal);
        Assert.Empty(emulator.Sites);
        Assert.Empty(app.CallsTo("/installed"));
    }

    [Fact]
    public async Task InstallKeys_UnknownKid_Answers404()
    {
        await using var emulator = await JiraEmulatorServer.StartAsync();
        using var http = new HttpClient();
        var response = await http.GetAsync(emulator.InstallKeysBaseUrl + "/not-a-key");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
