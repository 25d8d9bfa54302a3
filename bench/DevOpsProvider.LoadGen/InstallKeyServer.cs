using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace DevOpsProvider.LoadGen;

/// <summary>
/// The app's Connect:InstallKeysBaseUrl during the scenario. Keys named "bench-..." are this server's own RSA key
/// (any such kid, so a new kid forces the app to fetch); every other kid is passed on to the emulator's key server,
/// so the emulator's installs work unchanged.
/// </summary>
public sealed class InstallKeyServer : IAsyncDisposable
{
    private static readonly JsonWebTokenHandler Handler = new() { SetDefaultTimesOnTokenCreation = false };
    private readonly WebApplication _app;
    private readonly RSA _key;
    private int _fetches;

    private InstallKeyServer(WebApplication app, RSA key, string baseUrl)
    {
        _app = app;
        _key = key;
        BaseUrl = baseUrl;
    }

    public string BaseUrl { get; }

    public int Fetches => Volatile.Read(ref _fetches);

    public static async Task<InstallKeyServer> StartAsync(string emulatorKeysBaseUrl, int port)
    {
        var key = RSA.Create(2048);
        var pem = key.ExportSubjectPublicKeyInfoPem();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new InstallKeyServer(app, key, $"http://127.0.0.1:{port}");
        var http = new HttpClient();
        app.Lifetime.ApplicationStopped.Register(http.Dispose);
        app.MapGet("/{kid}", async (string kid) =>
        {
            Interlocked.Increment(ref server._fetches);
            if (kid.StartsWith("bench-", StringComparison.Ordinal))
            {
                return Results.Text(pem, "text/plain");
            }

            using var response = await http.GetAsync(emulatorKeysBaseUrl.TrimEnd('/') + "/" + Uri.EscapeDataString(kid));
            return response.IsSuccessStatusCode
                ? Results.Text(await response.Content.ReadAsStringAsync(), "text/plain")
                : Results.StatusCode((int)response.StatusCode);
        });
        await app.StartAsync();
        return server;
    }

    /// <summary>A signed install token as Atlassian makes one: RS256, kid, iss = clientKey, aud = the app's baseUrl, qsh.</summary>
    public string Sign(string kid, string clientKey, string appBaseUrl, string qsh)
    {
        var now = DateTime.UtcNow;
        return Handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = clientKey,
            Audience = appBaseUrl,
            IssuedAt = now,
            Expires = now.AddMinutes(3),
            Claims = new Dictionary<string, object> { ["qsh"] = qsh },
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(_key) { KeyId = kid }, SecurityAlgorithms.RsaSha256),
        });
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _key.Dispose();
    }
}
