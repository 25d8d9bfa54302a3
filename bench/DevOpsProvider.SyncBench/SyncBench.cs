using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using DevOpsProvider.JiraEmulator;
using DevOpsProvider.Web;
using DevOpsProvider.Web.Catalog;
using DevOpsProvider.Web.Data;
using DevOpsProvider.Web.Sync;
using Npgsql;

namespace DevOpsProvider.SyncBench;

public sealed record BenchRow(string Scenario, int Components, TimeSpan Wall, TimeSpan Cpu, int Requests, int MinimumRequests, long Bytes)
{
    public string ToMarkdown()
    {
        var perThousand = Components == 0 ? 0 : 1000.0 / Components;
        var rate = Wall.TotalSeconds > 0 ? Components / Wall.TotalSeconds : 0;
        return string.Create(CultureInfo.InvariantCulture,
            $"| {Scenario} | {Components:N0} | {Wall.TotalSeconds:F3} | {rate:N0} | {Requests} ({MinimumRequests}) | {Bytes:N0} | {Cpu.TotalSeconds:F2} | {Cpu.TotalMilliseconds * perThousand:F1} | {Wall.TotalMilliseconds * perThousand:F1} |");
    }
}

/// <summary>A throwaway PostgreSQL cluster, the emulator and the app, started once; one database and site per size.</summary>
public sealed class SyncBench : IAsyncDisposable
{
    private readonly string _directory;
    private readonly LocalPostgres _postgres;
    private readonly JiraEmulatorServer _emulator;

    private SyncBench(string directory, LocalPostgres postgres, JiraEmulatorServer emulator)
    {
        _directory = directory;
        _postgres = postgres;
        _emulator = emulator;
    }

    public static async Task<SyncBench> StartAsync()
    {
        var directory = Path.Combine(Path.GetTempPath(), "devops-provider-syncbench", Guid.NewGuid().ToString("N")[..8]);
        var postgres = LocalPostgres.Start(Path.Combine(directory, "pg"), Console.WriteLine, throwaway: true);
        var emulator = await JiraEmulatorServer.StartAsync(new EmulatorOptions());
        return new SyncBench(directory, postgres, emulator);
    }

    public async Task<IReadOnlyList<BenchRow>> RunSizeAsync(int size)
    {
        var database = $"bench_{size}";
        await _postgres.EnsureDatabaseAsync(database);
        var app = await StartAppAsync(_postgres.ConnectionStringFor(database));
        try
        {
            var site = await _emulator.InstallAsync(app.Urls.First() + "/atlassian-connect.json");
            var job = app.Services.GetRequiredService<SyncJob>();
            await WaitIdleAsync(app, site.ClientKey);
            Console.WriteLine($"Seeding {size:N0} components...");
            await SeedAsync(app.Services.GetRequiredService<ComponentStore>(), size, "Service");

            var rows = new List<BenchRow>
            {
                await MeasureAsync(app, job, site, $"full sync {size:N0}", size),
            };
            if (site.Components.Count != size)
            {
                throw new InvalidOperationException($"the site holds {site.Components.Count} components, expected {size}");
            }

            var changed = Math.Max(1, size / 100);
            await SeedAsync(app.Services.GetRequiredService<ComponentStore>(), changed, "Application");
            rows.Add(await MeasureAsync(app, job, site, $"delta 1% of {size:N0}", changed));
            rows.Add(await MeasureAsync(app, job, site, $"unchanged {size:N0}", 0));
            return rows;
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    private async Task<BenchRow> MeasureAsync(WebApplication app, SyncJob job, EmulatorSite site, string scenario, int expected)
    {
        GC.Collect();
        var requestsBefore = _emulator.Requests.Count;
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var wall = Stopwatch.StartNew();
        var outcome = await job.RunSiteAsync(site.ClientKey, "benchmark", CancellationToken.None);
        wall.Stop();
        var cpuUsed = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        if (outcome.Status != SyncOutcome.Succeeded)
        {
            throw new InvalidOperationException($"{scenario}: the run ended {outcome.Status}: {outcome.Detail}");
        }

        var run = (await app.Services.GetRequiredService<SyncRuns>().GetAsync(outcome.RunId!.Value, CancellationToken.None))!;
        var requests = _emulator.Requests.Count - requestsBefore;
        Console.WriteLine($"{scenario}: {wall.Elapsed.TotalSeconds:F3} s, {run.Sent} sent, {requests} requests");
        return new BenchRow(scenario, expected, wall.Elapsed, cpuUsed, requests, (expected + 999) / 1000, run.BytesSent);
    }

    /// <summary>Creates (or changes: a new componentType) the first <paramref name="count"/> components, 5,000 a write.</summary>
    private static async Task SeedAsync(ComponentStore store, int count, string componentType)
    {
        for (var start = 0; start < count; start += 5000)
        {
            var chunk = Enumerable.Range(start, Math.Min(5000, count - start)).Select(i => new CatalogComponent
            {
                Id = $"svc-{i:D7}",
                Name = $"Service {i}",
                ProviderName = "Benchmark",
                Description = $"Component {i} of the benchmark catalog: a **Markdown** description of typical length for a service.",
                Url = $"https://components.example.com/services/{i}",
                AvatarUrl = "https://components.example.com/avatar.png",
                Tier = "Tier " + ((i % 4) + 1).ToString(CultureInfo.InvariantCulture),
                ComponentType = componentType,
                LastUpdated = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddMinutes(i),
            }).ToList();
            await store.UpsertManyAsync(chunk);
        }
    }

    private static async Task WaitIdleAsync(WebApplication app, string clientKey)
    {
        var runs = app.Services.GetRequiredService<SyncRuns>();
        for (var i = 0; i < 600; i++)
        {
            var list = await runs.ListAsync(clientKey, 10, CancellationToken.None);
            if (list.Count > 0 && list.All(r => r.Outcome != "running"))
            {
                return;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("the install's sync run did not finish");
    }

    private async Task<WebApplication> StartAppAsync(string connectionString)
    {
        var port = FreePort();
        var baseUrl = $"http://127.0.0.1:{port}";
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Postgres"] = new NpgsqlConnectionStringBuilder(connectionString) { MaxPoolSize = 30 }.ConnectionString,
            ["Connect:BaseUrl"] = baseUrl,
            ["Connect:AllowedHosts:0"] = "127.0.0.1",
            ["Connect:InstallKeysBaseUrl"] = _emulator.InstallKeysBaseUrl,
            ["Connect:SecretEncryptionKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            ["Admin:PasswordHash"] = DevOpsProvider.Web.Dashboard.PasswordHash.Create(Convert.ToHexString(RandomNumberGenerator.GetBytes(16)), 10_000),
            ["Api:Keys:0"] = Convert.ToHexString(RandomNumberGenerator.GetBytes(24)),
            // Runs are started by the benchmark, not by catalog changes or the timer.
            ["Sync:DebounceSeconds"] = "3600",
            ["Sync:Interval"] = "1.00:00:00",
        };
        var app = DevOpsProviderApp.Build(["--urls", baseUrl, "--environment", "Benchmark"], builder =>
        {
            builder.Configuration.AddInMemoryCollection(settings);
            builder.Logging.ClearProviders();
        });
        await app.StartAsync();
        return app;
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
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
