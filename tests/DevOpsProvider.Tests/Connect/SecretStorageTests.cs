using System.Net;
using System.Security.Cryptography;
using Dapper;
using DevOpsProvider.Tests.Infrastructure;
using Npgsql;

namespace DevOpsProvider.Tests.Connect;

public sealed class SecretStorageTests : IAsyncLifetime
{
    private InstallKeyServer _keys = null!;

    public async Task InitializeAsync() => _keys = await InstallKeyServer.StartAsync();

    public async Task DisposeAsync() => await _keys.DisposeAsync();

    private static string NewKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    private Task<TestApp> StartAsync(string? connectionString, string key, params string[] previous)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Connect:InstallKeysBaseUrl"] = _keys.BaseUrl,
            ["Connect:SecretEncryptionKey"] = key,
        };
        for (var i = 0; i < previous.Length; i++)
        {
            settings[$"Connect:PreviousSecretEncryptionKeys:{i}"] = previous[i];
        }

        return TestApp.StartAsync(settings, connectionString: connectionString);
    }

    private static async Task<string> StoredSecretAsync(string connectionString, string clientKey)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        return await connection.ExecuteScalarAsync<string>("SELECT shared_secret FROM tenants WHERE client_key = @clientKey", new { clientKey }) ?? "";
    }

    [Fact]
    public async Task SharedSecret_IsEncryptedAtRest()
    {
        await using var app = await StartAsync(null, NewKey());
        var jira = new HandSignedJira(app, _keys);
        await jira.InstallAsync();

        var stored = await StoredSecretAsync(app.ConnectionString, jira.ClientKey);

        Assert.StartsWith("v1:", stored, StringComparison.Ordinal);
        Assert.DoesNotContain(jira.SharedSecret, stored, StringComparison.Ordinal);
        using var enabled = await jira.SendHs256Async("enabled");
        Assert.Equal(HttpStatusCode.NoContent, enabled.StatusCode);
    }

    [Fact]
    public async Task KeyRotation_ReencryptsAtStart_AndTheOldKeyCanThenBeDropped()
    {
        var oldKey = NewKey();
        var newKey = NewKey();
        string connectionString;
        HandSignedJira jira;
        string storedUnderOldKey;
        await using (var first = await StartAsync(null, oldKey))
        {
            connectionString = first.ConnectionString;
            jira = new HandSignedJira(first, _keys);
            await jira.InstallAsync();
            storedUnderOldKey = await StoredSecretAsync(connectionString, jira.ClientKey);
        }

        await using (var rotating = await StartAsync(connectionString, newKey, oldKey))
        {
            var reencrypted = await StoredSecretAsync(connectionString, jira.ClientKey);
            Assert.NotEqual(storedUnderOldKey, reencrypted);
            Assert.NotEqual(storedUnderOldKey.Split(':')[1], reencrypted.Split(':')[1]);
        }

        await using var rotated = await StartAsync(connectionString, newKey);
        var site = new HandSignedJira(rotated, _keys) { ClientKey = jira.ClientKey, SharedSecret = jira.SharedSecret, BaseUrl = jira.BaseUrl };
        using var enabled = await site.SendHs256Async("enabled");
        Assert.Equal(HttpStatusCode.NoContent, enabled.StatusCode);
    }
}
