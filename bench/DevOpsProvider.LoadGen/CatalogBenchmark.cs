using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using DevOpsProvider.Web;
using DevOpsProvider.Web.Catalog;
using DevOpsProvider.Web.Data;
using Microsoft.Extensions.Configuration;

namespace DevOpsProvider.LoadGen;

/// <summary>
/// Issue 4's performance figures: a 5000-component batch through ComponentStore.UpsertManyAsync and through
/// POST /api/v1/components/batch, and a 50,000-row CSV through ComponentImporter and POST /api/v1/components/import.
/// The app runs in this process (Production settings) on a throwaway PostgreSQL; each case runs several times and
/// every run is printed. Wall time includes validation, the COPY-based merge and, over HTTP, JSON and the answer.
/// </summary>
public static class CatalogBenchmark
{
    public static async Task<int> RunAsync(int repeats)
    {
        var work = Path.Combine(Path.GetTempPath(), "devops-provider-bench", "catalog-" + DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture));
        using var postgres = LocalPostgres.Start(Path.Combine(work, "pg"), _ => { }, throwaway: true);
        await postgres.EnsureDatabaseAsync("catalog");
        var postmaster = int.Parse(File.ReadLines(Path.Combine(postgres.DataDirectory, "postmaster.pid")).First(), CultureInfo.InvariantCulture);
        var url = $"http://127.0.0.1:{Ports.Free()}";
        var apiKey = Convert.ToHexString(RandomNumberGenerator.GetBytes(24));
        var app = DevOpsProviderApp.Build(["--urls", url, "--environment", "Production"], builder =>
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ConnectionStrings:Postgres"] = postgres.ConnectionStringFor("catalog"),
                ["Connect:BaseUrl"] = url,
                ["Connect:SecretEncryptionKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
                ["Admin:PasswordHash"] = Web.Dashboard.PasswordHash.Create("unused", 10_000),
                ["Api:Keys:0"] = apiKey,
            });
            builder.Logging.ClearProviders();
        });
        await app.StartAsync();
        try
        {
            var store = app.Services.GetRequiredService<ComponentStore>();
            var importer = app.Services.GetRequiredService<ComponentImporter>();
            using var http = new HttpClient { BaseAddress = new Uri(url + "/"), Timeout = TimeSpan.FromMinutes(5) };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
            var cpu = () => (Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds, ProcessCpu.Seconds(postmaster, withChildren: true));
            Console.WriteLine($"# Catalog writes ({repeats} runs each; app in-process, PostgreSQL throwaway; load {LoadAverage()})");
            Console.WriteLine("| case | rows | run | wall ms | rows/s | outcome | app+client CPU s | PostgreSQL CPU s |\n|---|---:|---:|---:|---:|---|---:|---:|");

            for (var run = 1; run <= repeats; run++)
            {
                var batch = Components($"store-{run}", 5000, "v1");
                await Case("UpsertManyAsync, 5000 new", 5000, run, cpu, async () => Outcome(await store.UpsertManyAsync(batch)));
                await Case("UpsertManyAsync, 5000 unchanged", 5000, run, cpu, async () => Outcome(await store.UpsertManyAsync(batch)));
                await Case("UpsertManyAsync, 5000 changed", 5000, run, cpu, async () => Outcome(await store.UpsertManyAsync(Components($"store-{run}", 5000, "v2"))));
            }

            for (var run = 1; run <= repeats; run++)
            {
                var body = BatchJson(Components($"http-{run}", 5000, "v1"));
                await Case("POST /components/batch, 5000 new", 5000, run, cpu, () => PostAsync(http, "api/v1/components/batch", body, "application/json"));
                await Case("POST /components/batch, 5000 unchanged", 5000, run, cpu, () => PostAsync(http, "api/v1/components/batch", body, "application/json"));
            }

            for (var run = 1; run <= repeats; run++)
            {
                var csv = Csv(Components($"csv-{run}", 50_000, "v1"));
                await Case("ComponentImporter CSV, 50,000 new", 50_000, run, cpu, async () =>
                {
                    using var stream = new MemoryStream(csv);
                    var report = await importer.ImportAsync(stream, ImportFormat.Csv, new ImportOptions());
                    return $"created {report.Created}, unchanged {report.Unchanged}, rejected {report.Rejected.Count}";
                });
                var changed = Csv(Components($"csv-{run}", 50_000, "v2"));
                await Case("POST /components/import CSV, 50,000 changed", 50_000, run, cpu, () => PostAsync(http, "api/v1/components/import?format=csv", changed, "text/csv"));
                await Case("POST /components/import CSV, 50,000 unchanged", 50_000, run, cpu, () => PostAsync(http, "api/v1/components/import?format=csv", changed, "text/csv"));
            }

            Console.WriteLine($"Live components at the end: {await store.CountAsync()}");
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }

        return 0;
    }

    private static async Task Case(string name, int rows, int run, Func<(double App, double Db)> cpu, Func<Task<string>> action)
    {
        var before = cpu();
        var start = Stopwatch.GetTimestamp();
        var outcome = await action();
        var elapsed = Stopwatch.GetElapsedTime(start);
        var after = cpu();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {name} | {rows} | {run} | {elapsed.TotalMilliseconds:F0} | {rows / elapsed.TotalSeconds:F0} | {outcome} | {after.App - before.App:F2} | {after.Db - before.Db:F2} |"));
    }

    private static string Outcome(CatalogWriteResult result)
        => string.Join(", ", result.Stored.GroupBy(s => s.Outcome).OrderBy(g => g.Key).Select(g => $"{g.Key.ToString().ToLowerInvariant()} {g.Count()}"));

    private static async Task<string> PostAsync(HttpClient http, string path, byte[] body, string mediaType)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        using var response = await http.PostAsync(path, content);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{path} answered {(int)response.StatusCode}: {text[..Math.Min(text.Length, 500)]}");
        }

        using var report = JsonDocument.Parse(text);
        var root = report.RootElement;
        return $"created {root.GetProperty("created")}, updated {root.GetProperty("updated")}, unchanged {root.GetProperty("unchanged")}, " +
            $"rejected {root.GetProperty("rejected").GetArrayLength()}";
    }

    private static CatalogComponent[] Components(string prefix, int count, string revision)
        => [.. Enumerable.Range(0, count).Select(i => new CatalogComponent
        {
            Id = $"component:default/{prefix}-{i:D6}",
            Name = $"Service {prefix} {i}",
            Description = $"Service {i} of {prefix}, revision {revision}: handles orders for region {i % 17}.",
            Url = $"https://catalog.example.com/catalog/default/component/{prefix}-{i:D6}",
            AvatarUrl = "https://catalog.example.com/static/service.png",
            Tier = $"Tier {1 + (i % 4)}",
            ComponentType = i % 3 == 0 ? "Service" : "Library",
            LastUpdated = new DateTime(2025, 11, 3, 10, 0, 0, DateTimeKind.Utc).AddSeconds(i),
        })];

    private static byte[] BatchJson(IEnumerable<CatalogComponent> components)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("components");
            foreach (var c in components)
            {
                writer.WriteStartObject();
                writer.WriteString("id", c.Id);
                writer.WriteString("name", c.Name);
                writer.WriteString("description", c.Description);
                writer.WriteString("url", c.Url);
                writer.WriteString("avatarUrl", c.AvatarUrl);
                writer.WriteString("tier", c.Tier);
                writer.WriteString("componentType", c.ComponentType);
                writer.WriteString("lastUpdated", ComponentJson.FormatDateTime(c.LastUpdated));
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return stream.ToArray();
    }

    private static byte[] Csv(IEnumerable<CatalogComponent> components)
    {
        var text = new StringBuilder("id,name,description,url,avatarUrl,tier,componentType,lastUpdated\n");
        foreach (var c in components)
        {
            text.Append(CultureInfo.InvariantCulture, $"{c.Id},{c.Name},\"{c.Description}\",{c.Url},{c.AvatarUrl},{c.Tier},{c.ComponentType},{ComponentJson.FormatDateTime(c.LastUpdated)}\n");
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private static string LoadAverage()
        => OperatingSystem.IsLinux() ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";
}
