using System.Diagnostics;
using System.Security.Cryptography;
using Dapper;
using DevOpsProvider.JiraEmulator;
using DevOpsProvider.Web;
using DevOpsProvider.Web.Catalog;
using DevOpsProvider.Web.Data;
using DevOpsProvider.Web.Sync;
using Npgsql;

namespace DevOpsProvider.Soak;

/// <summary>
/// A throwaway PostgreSQL cluster, the emulator with several sites, and two app instances on one database (the
/// second one restarted now and then). Everything in this process; the app's sync runs through Hangfire as in production.
/// </summary>
public sealed partial class SoakRun : IAsyncDisposable
{
    private readonly string _directory;
    private readonly LocalPostgres _postgres;
    private readonly JiraEmulatorServer _emulator;
    private readonly string _connectionString;
    private readonly Random _random;
    private readonly List<EmulatorSite> _sites = [];
    private WebApplication _first = null!;
    private WebApplication? _second;
    private int _components;

    private SoakRun(string directory, LocalPostgres postgres, JiraEmulatorServer emulator, string connectionString, int seed)
    {
        _directory = directory;
        _postgres = postgres;
        _emulator = emulator;
        _connectionString = connectionString;
        _random = new Random(seed);
    }

    public static async Task<SoakRun> StartAsync(int sites, int components, int seed)
    {
        var directory = Path.Combine(Path.GetTempPath(), "devops-provider-soak", Guid.NewGuid().ToString("N")[..8]);
        var postgres = LocalPostgres.Start(Path.Combine(directory, "pg"), Console.WriteLine, throwaway: true);
        await postgres.EnsureDatabaseAsync("soak");
        var connectionString = new NpgsqlConnectionStringBuilder(postgres.ConnectionStringFor("soak")) { MaxPoolSize = 40 }.ConnectionString;
        var emulator = await JiraEmulatorServer.StartAsync(new EmulatorOptions());
        var soak = new SoakRun(directory, postgres, emulator, connectionString, seed) { _components = components };
        soak._first = await soak.StartAppAsync();
        soak._second = await soak.StartAppAsync();
        for (var i = 0; i < sites; i++)
        {
            soak._sites.Add(await emulator.InstallAsync(soak._first.Urls.First() + "/atlassian-connect.json"));
        }

        await soak.UpsertAsync(Enumerable.Range(0, components).Select(i => Id(i)).ToList());
        Console.WriteLine($"Installed {sites} sites and wrote {components:N0} components.");
        return soak;
    }

    /// <summary>Stops every fault, then waits (without any manual sync) until every site holds exactly the catalog.</summary>
    public async Task<SoakReport> SettleAsync(TimeSpan limit)
    {
        foreach (var site in _sites)
        {
            site.Faults.Clear();
        }

        var watch = Stopwatch.StartNew();
        var converged = new Dictionary<string, TimeSpan>();
        var catalog = await CatalogAsync();
        while (watch.Elapsed < limit && converged.Count < _sites.Count)
        {
            catalog = await CatalogAsync();
            foreach (var site in _sites.Where(s => !converged.ContainsKey(s.ClientKey) && Holds(s, catalog)))
            {
                converged[site.ClientKey] = watch.Elapsed;
            }

            await Task.Delay(TimeSpan.FromSeconds(1));
        }

        var rows = new List<SoakSiteRow>();
        await using var connection = new NpgsqlConnection(_connectionString);
        foreach (var site in _sites)
        {
            var runs = (await connection.QueryAsync<(string Outcome, long Count)>(
                "SELECT outcome, count(*) FROM sync_runs WHERE client_key = @clientKey GROUP BY outcome", new { clientKey = site.ClientKey }))
                .ToDictionary(r => r.Outcome, r => r.Count);
            var requests = _emulator.Requests.Where(r => r.ClientKey == site.ClientKey).ToList();
            rows.Add(new SoakSiteRow(site.Name, Holds(site, catalog), converged.TryGetValue(site.ClientKey, out var at) ? at : null,
                site.Components.Count, runs, requests.Count, requests.Count(r => r.Status == 429), requests.Count(r => r.Status >= 500),
                requests.Count(r => r.Status == 0), site.PeakConcurrentCalls));
        }

        return new SoakReport(catalog.Count, rows, Chaos);
    }

    private static string Id(int i) => $"soak-{i:D6}";

    private async Task UpsertAsync(IReadOnlyList<string> ids)
    {
        var store = _first.Services.GetRequiredService<ComponentStore>();
        var stamp = DateTime.UtcNow;
        foreach (var chunk in ids.Chunk(1000))
        {
            await store.UpsertManyAsync([.. chunk.Select(id => new CatalogComponent
            {
                Id = id,
                Name = "Soak " + id,
                Description = "A component of the soak catalog, changed at " + stamp.ToString("O"),
                Url = "https://components.example.com/" + id,
                AvatarUrl = "https://components.example.com/avatar.png",
                Tier = "Tier 2",
                ComponentType = "Service",
                LastUpdated = stamp,
            })]);
        }
    }

    /// <summary>The live catalog: id to version, the updateSequenceNumber each site must hold.</summary>
    private async Task<Dictionary<string, long>> CatalogAsync()
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        var rows = await connection.QueryAsync<(string Id, long Version)>("SELECT id, version FROM components WHERE deleted_at IS NULL");
        return rows.ToDictionary(r => r.Id, r => r.Version);
    }

    private static bool Holds(EmulatorSite site, Dictionary<string, long> catalog)
    {
        var held = site.Components;
        return held.Count == catalog.Count && held.All(c => catalog.TryGetValue(c.Id, out var version) && version == c.UpdateSequenceNumber);
    }

    private async Task<WebApplication> StartAppAsync()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var baseUrl = $"http://127.0.0.1:{((System.Net.IPEndPoint)listener.LocalEndpoint).Port}";
        listener.Stop();
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Postgres"] = _connectionString,
            ["Connect:BaseUrl"] = baseUrl,
            ["Connect:AllowedHosts:0"] = "127.0.0.1",
            ["Connect:InstallKeysBaseUrl"] = _emulator.InstallKeysBaseUrl,
            ["Connect:SecretEncryptionKey"] = EncryptionKey,
            ["Admin:PasswordHash"] = DevOpsProvider.Web.Dashboard.PasswordHash.Create(Convert.ToHexString(RandomNumberGenerator.GetBytes(16)), 10_000),
            ["Api:Keys:0"] = Convert.ToHexString(RandomNumberGenerator.GetBytes(24)),
            // Short waits so that a few minutes see many runs, retries and failures.
            ["Sync:DebounceSeconds"] = "2",
            ["Sync:MaxRetries"] = "3",
            ["Sync:RetryBaseDelay"] = "00:00:00.200",
            ["Sync:MaxRetryDelay"] = "00:00:05",
            ["Sync:RequestTimeout"] = "00:00:05",
            ["Sync:FailureRetryBaseDelay"] = "00:00:02",
            ["Sync:FailureRetryMaxDelay"] = "00:00:15",
            ["Sync:Workers"] = "3",
            ["Sync:QueuePollInterval"] = "00:00:00.500",
        };
        var app = DevOpsProviderApp.Build(["--urls", baseUrl, "--environment", "Benchmark"], builder =>
        {
            builder.Configuration.AddInMemoryCollection(settings);
            builder.Logging.ClearProviders();
        });
        await app.StartAsync();
        return app;
    }

    // Both instances must read the secrets each other stored.
    private static readonly string EncryptionKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public async ValueTask DisposeAsync()
    {
        foreach (var app in new[] { _second, _first })
        {
            if (app is not null)
            {
                await app.StopAsync();
                await app.DisposeAsync();
            }
        }

        await _emulator.DisposeAsync();
        _postgres.Stop();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
        catch (UnauthorizedAccessException)
        {
            // Likewise.
        }
    }
}
