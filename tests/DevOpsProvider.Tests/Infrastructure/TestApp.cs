using DevOpsProvider.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DevOpsProvider.Tests.Infrastructure;

/// <summary>
/// The real app on a real Kestrel port of 127.0.0.1 with its own fresh database, built by the same composition root
/// as production. Tests talk to it over HTTP as Jira and operators do.
/// </summary>
public sealed class TestApp : IAsyncDisposable
{
    private int _disposed;

    private TestApp(WebApplication app, string baseUrl, string connectionString)
    {
        App = app;
        BaseUrl = baseUrl;
        ConnectionString = connectionString;
        Client = new HttpClient { BaseAddress = new Uri(baseUrl + "/") };
    }

    /// <summary>The operator password every test app accepts (user name "admin").</summary>
    public const string AdminPassword = "correct horse battery staple";

    // Few iterations: tests sign in often, and the hash's strength is not under test here.
    private static readonly string AdminPasswordHash = DevOpsProvider.Web.Dashboard.PasswordHash.Create(AdminPassword, 10_000);

    /// <summary>The key test apps encrypt tenant secrets with, unless a test sets its own.</summary>
    public static readonly string SecretEncryptionKey = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    public WebApplication App { get; }

    public string BaseUrl { get; }

    public string ConnectionString { get; }

    public HttpClient Client { get; }

    /// <summary>What the app logged as errors (the last few go into failure messages).</summary>
    public ErrorLog Errors { get; private init; } = new();

    /// <summary>The provider API key every TestApp accepts (Api:Keys:0), made fresh for each test run.</summary>
    public static string ApiKey { get; } = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24));

    /// <summary>A client of the provider API (/api/v1) that sends <see cref="ApiKey"/>; the caller disposes it.</summary>
    public HttpClient CreateApiClient()
    {
        var client = new HttpClient { BaseAddress = new Uri(BaseUrl + "/") };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", ApiKey);
        return client;
    }

    public IServiceProvider Services => App.Services;

    public T Get<T>()
        where T : notnull => App.Services.GetRequiredService<T>();

    /// <summary>Starts the app. <paramref name="settings"/> override configuration; <paramref name="services"/> replaces services.</summary>
    public static async Task<TestApp> StartAsync(
        IDictionary<string, string?>? settings = null,
        Action<IServiceCollection>? services = null,
        string? connectionString = null,
        Action<WebApplication>? mapExtra = null)
    {
        connectionString ??= await TestCluster.CreateDatabaseAsync();
        // A port picked free can be taken before Kestrel binds it (other tests run in parallel): try again then.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await StartOnceAsync(settings, services, connectionString, mapExtra);
            }
            catch (IOException ex) when (attempt < 5 && ex.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
            }
        }
    }

    private static async Task<TestApp> StartOnceAsync(
        IDictionary<string, string?>? settings, Action<IServiceCollection>? services, string connectionString, Action<WebApplication>? mapExtra)
    {
        var port = Ports.FreeLoopbackPort();
        var baseUrl = $"http://127.0.0.1:{port}";
        var config = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Postgres"] = connectionString,
            ["Connect:BaseUrl"] = baseUrl,
            ["Connect:AllowedHosts:0"] = "127.0.0.1",
            ["Connect:AllowedHosts:1"] = "localhost",
            ["Connect:AllowedHosts:2"] = "*.atlassian.net",
            ["Admin:Username"] = "admin",
            ["Admin:PasswordHash"] = AdminPasswordHash,
            ["Connect:SecretEncryptionKey"] = SecretEncryptionKey,
            ["Api:Keys:0"] = ApiKey,
            // Each Hangfire worker holds database connections; many test apps share one server's max_connections.
            ["Sync:Workers"] = "1",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            config[key] = value;
        }

        var errors = new ErrorLog();
        // "Testing" behaves as production does (every required setting checked); a test may ask for Development (the demo).
        var environment = config.TryGetValue("Environment", out var env) && env is not null ? env : "Testing";
        var app = DevOpsProviderApp.Build(["--urls", baseUrl, "--environment", environment], builder =>
        {
            builder.Configuration.AddInMemoryCollection(config);
            builder.Logging.ClearProviders();
            builder.Logging.AddFilter(level => level >= LogLevel.Warning);
            builder.Logging.AddProvider(errors);
        }, services);
        mapExtra?.Invoke(app);
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        return new TestApp(app, baseUrl, connectionString) { Errors = errors };
    }

    public async ValueTask DisposeAsync()
    {
        // Idempotent: a test may stop the app itself (a shutdown test) before its fixture disposes it.
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        // Connections the test opened itself (snapshots, checks) sit in the global pool of this connection string.
        using var connection = new Npgsql.NpgsqlConnection(ConnectionString);
        Npgsql.NpgsqlConnection.ClearPool(connection);
    }
}
