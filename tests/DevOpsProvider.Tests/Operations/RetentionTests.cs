using Dapper;
using DevOpsProvider.Tests.Infrastructure;
using DevOpsProvider.Web.Connect;
using DevOpsProvider.Web.Operations;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace DevOpsProvider.Tests.Operations;

public sealed class RetentionTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private InstallKeyServer _keys = null!;
    private TestApp _app = null!;

    public async Task InitializeAsync()
    {
        _keys = await InstallKeyServer.StartAsync();
        _app = await TestApp.StartAsync(
            new Dictionary<string, string?> { ["Connect:InstallKeysBaseUrl"] = _keys.BaseUrl, ["Retention:WipeSecretsAfter"] = "30.00:00:00" },
            services => services.AddSingleton<TimeProvider>(_time));
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _keys.DisposeAsync();
    }

    private async Task<string> StoredSecretAsync(string clientKey)
    {
        await using var connection = new NpgsqlConnection(_app.ConnectionString);
        return await connection.ExecuteScalarAsync<string>("SELECT shared_secret FROM tenants WHERE client_key = @clientKey", new { clientKey }) ?? "";
    }

    [Fact]
    public async Task SecretsOfSitesThatLeft_AreWipedAfterThePeriod_ActiveSitesKeepTheirs()
    {
        var leaving = new HandSignedJira(_app, _keys);
        var staying = new HandSignedJira(_app, _keys);
        await leaving.InstallAsync();
        await staying.InstallAsync();
        (await leaving.SendSignedAsync("uninstalled")).Dispose();
        var retention = _app.Get<Retention>();

        _time.Advance(TimeSpan.FromDays(29));
        var early = await retention.RunAsync(default);
        _time.Advance(TimeSpan.FromDays(2));
        var due = await retention.RunAsync(default);

        Assert.Equal(0, early.SecretsWiped);
        Assert.Equal(1, due.SecretsWiped);
        Assert.Equal("", await StoredSecretAsync(leaving.ClientKey));
        Assert.NotEqual("", await StoredSecretAsync(staying.ClientKey));
        Assert.Equal(TenantStates.Uninstalled, (await _app.Get<TenantStore>().FindAsync(leaving.ClientKey))!.State);

        // The site can come back: a verified install brings a new secret.
        var token = JiraTokens.SignedInstall(_keys.Key, _keys.KeyId, leaving.ClientKey, _app.BaseUrl, "POST", "/installed", now: _time.GetUtcNow());
        (await leaving.SendSignedAsync("installed", token)).Dispose();
        Assert.Equal(leaving.SharedSecret, (await _app.Get<TenantStore>().FindAsync(leaving.ClientKey))!.SharedSecret);
    }
}
