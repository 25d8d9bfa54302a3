using System.Net;
using System.Security.Cryptography;
using DevOpsProvider.Connect;

namespace DevOpsProvider.Tests.JiraEmulator;

public sealed class SiteLifecycleTests
{
    [Fact]
    public async Task Uninstall_SendsRs256SignedUninstalled_AndTheApiAnswers403()
    {
        await using var bed = await EmulatorTestBed.StartAsync();

        await bed.Emulator.UninstallAsync(bed.Site.ClientKey);

        var call = Assert.Single(bed.App.CallsTo("/uninstalled"));
        var jwt = ConnectJwt.Read(call.Authorization!["JWT ".Length..])!;
        using var http = new HttpClient();
        using var key = RSA.Create();
        key.ImportFromPem(await http.GetStringAsync(bed.Emulator.InstallKeysBaseUrl + "/" + jwt.Kid));
        Assert.True((await SignedInstallToken.VerifyAsync(jwt, key, bed.App.BaseUrl, DateTimeOffset.UtcNow, TimeSpan.Zero)).Succeeded);
        Assert.Equal("uninstalled", (string?)call.Body!["eventType"]);
        Assert.Null(call.Body["sharedSecret"]);
        Assert.Equal("uninstalled", bed.Site.State);

        var response = await bed.SubmitAsync(Components.Valid("c-1"));
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task DisableThenEnable_SendHs256Callbacks_AndTheApiIsRefusedOnlyWhileDisabled()
    {
        await using var bed = await EmulatorTestBed.StartAsync();

        await bed.Emulator.DisableAsync(bed.Site.ClientKey);
        var disabled = Assert.Single(bed.App.CallsTo("/disabled"));
        Assert.True(ConnectJwt.VerifyHs256(ConnectJwt.Read(disabled.Authorization![4..])!, bed.Site.SharedSecret, DateTimeOffset.UtcNow, TimeSpan.Zero).Succeeded);
        Assert.Equal("disabled", bed.Site.State);
        Assert.Equal(HttpStatusCode.Forbidden, (await bed.SubmitAsync(Components.Valid("c-1"))).StatusCode);

        await bed.Emulator.EnableAsync(bed.Site.ClientKey);
        Assert.Equal(2, bed.App.CallsTo("/enabled").Count());
        Assert.Equal("enabled", bed.Site.State);
        Assert.Equal(HttpStatusCode.Accepted, (await bed.SubmitAsync(Components.Valid("c-1"))).StatusCode);
    }

    [Fact]
    public async Task Reinstall_RotatesTheSecret_SoTokensSignedWithTheOldOneGet401()
    {
        await using var bed = await EmulatorTestBed.StartAsync();
        var oldSecret = bed.Site.SharedSecret;

        await bed.Emulator.ReinstallAsync(bed.Site.ClientKey);

        Assert.NotEqual(oldSecret, bed.Site.SharedSecret);
        var installs = bed.App.CallsTo("/installed").ToList();
        Assert.Equal(2, installs.Count);
        Assert.Equal(bed.Site.SharedSecret, (string?)installs[1].Body!["sharedSecret"]);
        Assert.Equal("RS256", ConnectJwt.Read(installs[1].Authorization![4..])!.Alg);
        var enabled = bed.App.CallsTo("/enabled").Last();
        Assert.True(ConnectJwt.VerifyHs256(ConnectJwt.Read(enabled.Authorization![4..])!, bed.Site.SharedSecret, DateTimeOffset.UtcNow, TimeSpan.Zero).Succeeded);

        var old = bed.Token(HttpMethod.Post, EmulatorTestBed.Bulk, secret: oldSecret);
        var json = Components.Submission([Components.Valid("c-1")]).ToJsonString();
        Assert.Equal(HttpStatusCode.Unauthorized, (await bed.SendAsync(HttpMethod.Post, EmulatorTestBed.Bulk, json, old)).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await bed.SendAsync(HttpMethod.Post, EmulatorTestBed.Bulk, json)).StatusCode);
    }

    [Fact]
    public async Task Reinstall_RefusedByTheApp_KeepsTheOldSecret()
    {
        await using var bed = await EmulatorTestBed.StartAsync();
        var oldSecret = bed.Site.SharedSecret;
        bed.App.Answers["/installed"] = 500;

        await Assert.ThrowsAsync<DevOpsProvider.JiraEmulator.EmulatorInstallException>(() => bed.Emulator.ReinstallAsync(bed.Site.ClientKey));

        Assert.Equal(oldSecret, bed.Site.SharedSecret);
        Assert.Equal(HttpStatusCode.Accepted, (await bed.SubmitAsync(Components.Valid("c-1"))).StatusCode);
    }

    [Fact]
    public async Task Reinstall_AfterUninstall_EnablesTheSiteAgain()
    {
        await using var bed = await EmulatorTestBed.StartAsync();
        await bed.Emulator.UninstallAsync(bed.Site.ClientKey);

        await bed.Emulator.ReinstallAsync(bed.Site.ClientKey);

        Assert.Equal("enabled", bed.Site.State);
        Assert.Equal(HttpStatusCode.Accepted, (await bed.SubmitAsync(Components.Valid("c-1"))).StatusCode);
    }
}
