namespace DevOpsProvider.Web;

/// <summary>
/// Settings without which the app cannot run outside Development. Checked before anything starts, so a missing
/// setting stops the app with one message naming every missing key.
/// </summary>
public static class RequiredSettings
{
    public static readonly string[] Keys =
    [
        "ConnectionStrings:Postgres",
        "Connect:BaseUrl",
        "Admin:PasswordHash",
        "Connect:SecretEncryptionKey",
    ];

    public static void Check(IConfiguration configuration, IHostEnvironment environment)
    {
        if (environment.IsDevelopment())
        {
            return;
        }

        var missing = Keys.Where(k => string.IsNullOrWhiteSpace(configuration[k])).ToList();
        if (!configuration.GetSection("Api:Keys").GetChildren().Any(c => !string.IsNullOrWhiteSpace(c.Value)))
        {
            // An array: bound as Api:Keys:0, Api:Keys:1, ... (environment: Api__Keys__0).
            missing.Add("Api:Keys");
        }

        if (missing.Count > 0)
        {
            throw new InvalidOperationException(
                $"Missing required settings for environment '{environment.EnvironmentName}': {string.Join(", ", missing)}. " +
                "Set them in appsettings.json or as environment variables (':' becomes '__', e.g. ConnectionStrings__Postgres).");
        }
    }
}
