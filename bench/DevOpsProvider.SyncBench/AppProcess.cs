using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using DevOpsProvider.JiraEmulator;
using DevOpsProvider.LoadGen;
using DevOpsProvider.Web.Catalog;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace DevOpsProvider.SyncBench;

/// <summary>The run records the app's API gives (GET /api/v1/tenants/{clientKey}/runs).</summary>
public sealed record RunJson(long Id, string Outcome, DateTime StartedAt, DateTime? FinishedAt, int Sent, int Requests, long BytesSent, string? Error);

public sealed record MeasuredRuns(IReadOnlyList<RunJson> Runs, TimeSpan Wall, TimeSpan EndToEnd, double CpuSeconds);

/// <summary>
/// The app in its own process, driven as an operator would: installed from its descriptor, synced through its API.
/// The catalog is written straight into its database by this process, so seeding costs the app nothing.
/// </summary>
public sealed class AppProcess(ChildProcess process, HttpClient http, NpgsqlDataSource database) : IAsyncDisposable
{
    public double PeakWorkingSetMiB => ProcessCpu.PeakWorkingSetMiB(process.Id);

    public async Task<IReadOnlyList<EmulatorSite>> InstallAsync(JiraEmulatorServer emulator, int count)
    {
        var sites = new List<EmulatorSite>();
        for (var i = 0; i < count; i++)
        {
            sites.Add(await emulator.InstallAsync(new Uri(http.BaseAddress!, "/atlassian-connect.json").ToString()));
        }

        // Each install starts a first (empty) run: let them all finish before measuring anything.
        foreach (var site in sites)
        {
            await UntilAsync(async () => (await RunsAsync(site.ClientKey)) is { Count: > 0 } runs && runs.All(r => r.Outcome != "running"),
                $"the first run of {site.ClientKey}");
        }

        return sites;
    }

    /// <summary>Creates (or changes: a new componentType) the first <paramref name="count"/> components, 5,000 a write.</summary>
    public async Task SeedAsync(int count, string componentType)
    {
        using var services = new Microsoft.Extensions.DependencyInjection.ServiceCollection().BuildServiceProvider();
        var store = new ComponentStore(database, TimeProvider.System, services, NullLogger<ComponentStore>.Instance);
        Console.WriteLine($"Seeding {count:N0} components ({componentType})...");
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

    /// <summary>Asks the app to sync the sites (one: its own endpoint; more: "all sites") and waits for every run.</summary>
    public async Task<MeasuredRuns> MeasureRunsAsync(IReadOnlyList<string> clientKeys)
    {
        var before = new Dictionary<string, long>();
        foreach (var clientKey in clientKeys)
        {
            before[clientKey] = (await RunsAsync(clientKey)).Select(r => r.Id).DefaultIfEmpty(0).Max();
        }

        var cpu = ProcessCpu.Seconds(process.Id);
        var clock = Stopwatch.StartNew();
        using var response = clientKeys.Count == 1
            ? await http.PostAsync($"/api/v1/tenants/{clientKeys[0]}/sync", null)
            : await http.PostAsync("/api/v1/sync", null);
        response.EnsureSuccessStatusCode();

        var finished = new List<RunJson>();
        foreach (var clientKey in clientKeys)
        {
            List<RunJson> runs = [];
            await UntilAsync(async () =>
            {
                runs = (await RunsAsync(clientKey)).Where(r => r.Id > before[clientKey]).ToList();
                return runs.Count > 0 && runs.All(r => r.Outcome != "running");
            }, $"the run of {clientKey}");
            finished.AddRange(runs);
        }

        clock.Stop();
        var cpuUsed = ProcessCpu.Seconds(process.Id) - cpu;
        var wall = finished.Max(r => r.FinishedAt!.Value) - finished.Min(r => r.StartedAt);
        return new MeasuredRuns(finished, wall, clock.Elapsed, cpuUsed);
    }

    private async Task<IReadOnlyList<RunJson>> RunsAsync(string clientKey)
        => await http.GetFromJsonAsync<List<RunJson>>($"/api/v1/tenants/{clientKey}/runs?limit=20", JsonSerializerOptions.Web) ?? [];

    private static async Task UntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = Stopwatch.StartNew();
        while (!await condition())
        {
            if (deadline.Elapsed > TimeSpan.FromMinutes(10))
            {
                throw new TimeoutException($"{what} did not finish within 10 minutes");
            }

            await Task.Delay(20);
        }
    }

    public async ValueTask DisposeAsync()
    {
        http.Dispose();
        await database.DisposeAsync();
        await process.DisposeAsync();
    }
}
