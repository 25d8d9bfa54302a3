using Dapper;
using DevOpsProvider.JiraEmulator;
using DevOpsProvider.Tests.Infrastructure;
using DevOpsProvider.Web.Catalog;
using DevOpsProvider.Web.Sync;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace DevOpsProvider.Tests.Sync;

/// <summary>
/// The app and the emulator with sync settings that keep waits short (fast backoff, short attempt timeout) and
/// catalog changes that do not start runs on their own (long debounce), so tests decide when a run happens.
/// </summary>
public sealed class SyncedJira : IAsyncDisposable
{
    private SyncedJira(EmulatedJira jira) => Jira = jira;

    public EmulatedJira Jira { get; }

    public JiraEmulatorServer Emulator => Jira.Emulator;

    public TestApp App => Jira.App;

    public static Dictionary<string, string?> FastSettings(IDictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Sync:RetryBaseDelay"] = "00:00:00.050",
            ["Sync:MaxRetryDelay"] = "00:00:02",
            ["Sync:RequestTimeout"] = "00:00:03",
            ["Sync:DebounceSeconds"] = "3600",
            ["Sync:Interval"] = "1.00:00:00",
            ["Sync:Workers"] = "2",
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        return settings;
    }

    public static async Task<SyncedJira> StartAsync(IDictionary<string, string?>? settings = null, EmulatorOptions? emulatorOptions = null,
        string? connectionString = null, Action<IServiceCollection>? services = null)
        => new(await EmulatedJira.StartAsync(FastSettings(settings), emulatorOptions, connectionString: connectionString, services: services));

    /// <summary>
    /// Installs a site and waits for the runs Jira's install starts through Hangfire (installed: a full sync; the
    /// enabled that follows: a catch-up, often merged into the first) to end.
    /// </summary>
    public async Task<EmulatorSite> InstallAndWaitAsync()
    {
        var site = await Jira.InstallSiteAsync();
        await WaitForIdleAsync(site);
        return site;
    }

    /// <summary>Waits until the site has a finished run, no run in progress, and Hangfire has no job waiting or running.</summary>
    public Task WaitForIdleAsync(EmulatorSite site) => WaitForRunAsync(site, r => true);

    /// <summary>Waits until a finished run matches and the site is idle; returns the newest match.</summary>
    public async Task<SyncRunRecord> WaitForRunAsync(EmulatorSite site, Func<SyncRunRecord, bool> match)
    {
        // Jobs waiting, fetched or running (a fetched job stays 'Enqueued' until its worker marks it 'Processing').
        const string busyJobs = "SELECT count(*) FROM hangfire.job WHERE statename NOT IN ('Succeeded', 'Failed', 'Deleted', 'Scheduled')";
        SyncRunRecord? found = null;
        var state = "";
        try
        {
            await Wait.UntilAsync(async () =>
            {
                var runs = await App.Get<SyncRuns>().ListAsync(site.ClientKey, 100, default);
                found = runs.FirstOrDefault(r => r.Outcome != "running" && match(r));
                await using var connection = new NpgsqlConnection(App.ConnectionString);
                var busy = await connection.ExecuteScalarAsync<long>(busyJobs);
                state = $"runs: [{string.Join(", ", runs.Select(r => $"{r.Trigger} {r.Outcome}"))}], busy jobs: {busy}";
                return found is not null && runs.All(r => r.Outcome != "running") && busy == 0;
            }, $"a matching finished sync run of {site.ClientKey} and no work left (app errors: {App.Errors})", TimeSpan.FromSeconds(120));
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{ex.Message} ({state})", ex);
        }

        return found!;
    }

    /// <summary>A run of the site now, as Hangfire would run it.</summary>
    public Task<SyncOutcome> RunAsync(EmulatorSite site, CancellationToken cancellationToken = default)
        => RunAsync(App, site, cancellationToken);

    public static Task<SyncOutcome> RunAsync(TestApp app, EmulatorSite site, CancellationToken cancellationToken = default)
        => app.Services.GetRequiredService<SyncJob>().RunSiteAsync(site.ClientKey, "test", cancellationToken);

    public static CatalogComponent Component(string id, string scope = "default", string name = "Component", string tier = "Tier 2")
        => new()
        {
            Id = id,
            Scope = scope,
            Name = name,
            Description = $"The {name} component",
            Url = $"https://components.example.com/{Uri.EscapeDataString(id)}",
            AvatarUrl = "https://components.example.com/avatar.png",
            Tier = tier,
            ComponentType = "Service",
            LastUpdated = new DateTime(2026, 1, 20, 23, 27, 25, DateTimeKind.Utc),
        };

    /// <summary>Adds <paramref name="count"/> components (ids prefix-0 ...) through the catalog store.</summary>
    public async Task SeedAsync(int count, string prefix = "c", string scope = "default")
    {
        var store = App.Get<ComponentStore>();
        for (var start = 0; start < count; start += 1000)
        {
            var chunk = Enumerable.Range(start, Math.Min(1000, count - start)).Select(i => Component($"{prefix}-{i:D6}", scope)).ToList();
            await store.UpsertManyAsync(chunk);
        }
    }

    /// <summary>The live catalog: id to version (= the updateSequenceNumber Jira must hold).</summary>
    public async Task<Dictionary<string, long>> CatalogAsync(string? scope = null)
    {
        await using var connection = new NpgsqlConnection(App.ConnectionString);
        var rows = await connection.QueryAsync<(string Id, long Version)>(
            "SELECT id, version FROM components WHERE deleted_at IS NULL AND (@scope::text IS NULL OR scope = @scope)", new { scope });
        return rows.ToDictionary(r => r.Id, r => r.Version);
    }

    public async Task ExecuteSqlAsync(string sql, object? args = null)
    {
        await using var connection = new NpgsqlConnection(App.ConnectionString);
        await connection.ExecuteAsync(sql, args);
    }

    /// <summary>What the site holds: id to updateSequenceNumber.</summary>
    public static Dictionary<string, long> Held(EmulatorSite site)
        => site.Components.ToDictionary(c => c.Id, c => c.UpdateSequenceNumber);

    /// <summary>The site holds exactly the catalog (every id at its current version, nothing else).</summary>
    public async Task AssertHoldsCatalogAsync(EmulatorSite site, string? scope = null)
    {
        var expected = await CatalogAsync(scope);
        var held = Held(site);
        Assert.Equal(expected.Count, held.Count);
        Assert.Equal(expected.OrderBy(e => e.Key, StringComparer.Ordinal), held.OrderBy(e => e.Key, StringComparer.Ordinal));
    }

    /// <summary>The app's requests to the site from <paramref name="from"/> on (an index into the emulator's log).</summary>
    public IReadOnlyList<ReceivedRequest> RequestsTo(EmulatorSite site, int from = 0)
        => [.. Emulator.Requests.Skip(from).Where(r => r.ClientKey == site.ClientKey)];

    public int LogPosition => Emulator.Requests.Count;

    public static bool IsBulk(ReceivedRequest request) => request.Method == "POST" && request.Path.EndsWith("/bulk", StringComparison.Ordinal);

    public ValueTask DisposeAsync() => Jira.DisposeAsync();
}
