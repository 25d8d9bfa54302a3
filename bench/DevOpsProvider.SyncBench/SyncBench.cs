using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using DevOpsProvider.JiraEmulator;
using DevOpsProvider.LoadGen;
using DevOpsProvider.Web.Catalog;
using DevOpsProvider.Web.Data;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace DevOpsProvider.SyncBench;

/// <summary>One measured step: what the app did (from its run records) and what it cost the app's process.</summary>
public sealed record BenchRow(string Scenario, int Components, TimeSpan Wall, double CpuSeconds, int Requests, int MinimumRequests, long Bytes)
{
    public string ToMarkdown()
    {
        var perThousand = Components == 0 ? 0 : 1000.0 / Components;
        var rate = Wall.TotalSeconds > 0 ? Components / Wall.TotalSeconds : 0;
        return string.Create(CultureInfo.InvariantCulture,
            $"| {Scenario} | {Components:N0} | {Wall.TotalSeconds:F3} | {rate:N0} | {Requests} ({MinimumRequests}) | {Bytes:N0} | {CpuSeconds:F2} | {CpuSeconds * 1000 * perThousand:F1} | {Wall.TotalMilliseconds * perThousand:F1} |");
    }
}

/// <summary>
/// A throwaway PostgreSQL cluster and the emulator in this (driver) process; the app in a child process of its own,
/// started as in production (its built DLL, settings from the environment), one per scenario. So the app's CPU time
/// and peak working set are its own: the emulator holding every component and the seeding are not in them.
/// </summary>
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

    /// <summary>Full sync of <paramref name="size"/> components to one site, then a 1% delta, then an unchanged run.</summary>
    public async Task<Scenario> RunOneSiteAsync(int size)
    {
        await using var app = await StartAppAsync($"bench_{size}");
        var site = (await app.InstallAsync(_emulator, 1))[0];
        await app.SeedAsync(size, "Service");
        var rows = new List<BenchRow> { await MeasureAsync(app, [site], $"full sync {size:N0}", size) };
        if (site.Components.Count != size)
        {
            throw new InvalidOperationException($"the site holds {site.Components.Count} components, expected {size}");
        }

        var changed = Math.Max(1, size / 100);
        await app.SeedAsync(changed, "Application");
        rows.Add(await MeasureAsync(app, [site], $"delta 1% of {size:N0}", changed));
        rows.Add(await MeasureAsync(app, [site], $"unchanged {size:N0}", 0));
        return new Scenario($"one site, {size:N0}", rows, app.PeakWorkingSetMiB);
    }

    /// <summary>Full sync of one catalog of <paramref name="size"/> components to <paramref name="sites"/> sites at once.</summary>
    public async Task<Scenario> RunManySitesAsync(int sites, int size)
    {
        await using var app = await StartAppAsync($"bench_{sites}x{size}");
        var installed = await app.InstallAsync(_emulator, sites);
        await app.SeedAsync(size, "Service");
        var rows = new List<BenchRow> { await MeasureAsync(app, installed, $"full sync {sites} sites x {size:N0}", sites * size) };
        if (installed.FirstOrDefault(s => s.Components.Count != size) is { } behind)
        {
            throw new InvalidOperationException($"a site holds {behind.Components.Count} components, expected {size}");
        }

        return new Scenario($"{sites} sites, {size:N0} each", rows, app.PeakWorkingSetMiB);
    }

    private async Task<BenchRow> MeasureAsync(AppProcess app, IReadOnlyList<EmulatorSite> sites, string scenario, int expected)
    {
        var requestsBefore = _emulator.Requests.Count;
        var runs = await app.MeasureRunsAsync(sites.Select(s => s.ClientKey).ToList());
        var requests = _emulator.Requests.Count - requestsBefore;
        var failed = runs.Runs.FirstOrDefault(r => r.Outcome != "succeeded");
        if (failed is not null)
        {
            throw new InvalidOperationException($"{scenario}: a run ended {failed.Outcome}: {failed.Error}");
        }

        var sent = runs.Runs.Sum(r => r.Sent);
        Console.WriteLine($"{scenario}: {runs.Wall.TotalSeconds:F3} s, {sent} sent, {requests} requests, app CPU {runs.CpuSeconds:F2} s");
        var minimum = sites.Count * ((expected / sites.Count + 999) / 1000);
        return new BenchRow(scenario, expected, runs.Wall, runs.CpuSeconds, requests, minimum, runs.Runs.Sum(r => r.BytesSent));
    }

    private async Task<AppProcess> StartAppAsync(string database)
    {
        await _postgres.EnsureDatabaseAsync(database);
        var apiKey = Convert.ToHexString(RandomNumberGenerator.GetBytes(24));
        var port = Ports.Free();
        var baseUrl = $"http://127.0.0.1:{port}";
        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Benchmark",
            ["ASPNETCORE_URLS"] = baseUrl,
            ["ConnectionStrings__Postgres"] = new NpgsqlConnectionStringBuilder(_postgres.ConnectionStringFor(database)) { MaxPoolSize = 30 }.ConnectionString,
            ["Connect__BaseUrl"] = baseUrl,
            ["Connect__AllowedHosts__0"] = "127.0.0.1",
            ["Connect__InstallKeysBaseUrl"] = _emulator.InstallKeysBaseUrl,
            ["Connect__SecretEncryptionKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            ["Admin__PasswordHash"] = DevOpsProvider.Web.Dashboard.PasswordHash.Create(Convert.ToHexString(RandomNumberGenerator.GetBytes(16)), 10_000),
            ["Api__Keys__0"] = apiKey,
            // Runs are started by the benchmark, not by catalog changes or the timer.
            ["Sync__DebounceSeconds"] = "3600",
            ["Sync__Interval"] = "1.00:00:00",
            ["Logging__LogLevel__Default"] = "Warning",
        };
        var log = Path.Combine(_directory, database + ".log");
        var dll = AppDll();
        var process = ChildProcess.Start("app", "dotnet", [dll], Path.GetDirectoryName(dll)!, environment, log);
        await process.WaitUntilReadyAsync(baseUrl + "/health/ready", TimeSpan.FromMinutes(2), log);
        var http = new HttpClient { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromMinutes(1) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        var store = NpgsqlDataSource.Create(_postgres.ConnectionStringFor(database));
        return new AppProcess(process, http, store);
    }

    /// <summary>The app as built beside this benchmark (same configuration), found from the solution root.</summary>
    private static string AppDll()
    {
        var configuration = typeof(SyncBench).Assembly.Location.Contains("/Debug/", StringComparison.Ordinal) ? "Debug" : "Release";
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "DevOpsProvider.sln")))
        {
            directory = directory.Parent;
        }

        var dll = Path.Combine(directory?.FullName ?? ".", "src", "DevOpsProvider.Web", "bin", configuration, "net10.0", "DevOpsProvider.Web.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException($"build the app first ({configuration})", dll);
    }

    public async ValueTask DisposeAsync()
    {
        await _emulator.DisposeAsync();
        _postgres.Stop();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A leftover temp folder is harmless.
        }
    }
}

public sealed record Scenario(string Name, IReadOnlyList<BenchRow> Rows, double PeakWorkingSetMiB);
