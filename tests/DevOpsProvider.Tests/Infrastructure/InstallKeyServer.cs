using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace DevOpsProvider.Tests.Infrastructure;

/// <summary>
/// Stands in for connect-install-keys.atlassian.com: serves the PEM public key of an RSA key the test generated,
/// at /{kid}. Counts fetches so tests can see caching.
/// </summary>
public sealed class InstallKeyServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _fetches;

    private InstallKeyServer(WebApplication app, string baseUrl, RSA key, string kid)
    {
        _app = app;
        BaseUrl = baseUrl;
        Key = key;
        KeyId = kid;
    }

    public string BaseUrl { get; }

    public RSA Key { get; }

    public string KeyId { get; }

    public int Fetches => _fetches;

    /// <summary>When set, every request answers this status instead of the key.</summary>
    public int? ForcedStatus { get; set; }

    public static async Task<InstallKeyServer> StartAsync()
    {
        var key = RSA.Create(2048);
        var kid = "test-" + Guid.NewGuid().ToString("N")[..12];
        var port = Ports.FreeLoopbackPort();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new InstallKeyServer(app, $"http://127.0.0.1:{port}", key, kid);
        app.MapGet("/{kid}", (string kid) =>
        {
            Interlocked.Increment(ref server._fetches);
            if (server.ForcedStatus is int status)
            {
                return Results.StatusCode(status);
            }

            return kid == server.KeyId ? Results.Text(key.ExportSubjectPublicKeyInfoPem(), "text/plain") : Results.NotFound();
        });
        await app.StartAsync();
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        Key.Dispose();
    }

    public async Task StopAsync() => await _app.StopAsync();
}
