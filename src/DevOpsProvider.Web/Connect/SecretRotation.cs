namespace DevOpsProvider.Web.Connect;

/// <summary>
/// At start, after migrations: re-encrypts shared secrets still under a previous key, so that the previous key can be
/// dropped from configuration once every instance has started with the new one (docs/operations.md).
/// </summary>
public sealed class SecretRotation(TenantStore tenants, SecretProtector secrets, ILogger<SecretRotation> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var changed = await tenants.ReencryptSecretsAsync(cancellationToken);
        if (changed > 0)
        {
            logger.LogInformation("Re-encrypted {Count} tenant secrets with the current key {KeyId}", changed, secrets.CurrentKeyId);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
