using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using DevOpsProvider.JiraEmulator;
using DevOpsProvider.Web.Dashboard;
using DevOpsProvider.Web.Data;
using Npgsql;

namespace DevOpsProvider.LoadGen;

/// <param name="Durable">PostgreSQL with fsync and synchronous commit on (production); else the throwaway settings.</param>
/// <param name="AppConnectionOptions">Appended to the app's connection string (e.g. "No Reset On Close=true;Max Auto Prepare=20").</param>
public sealed record ScenarioOptions(int Connections, TimeSpan Warmup, TimeSpan Duration, int Rounds, bool Durable, IReadOnlyList<string> Targets, int InstallRounds, string? AppConnectionOptions = null);

/// <summary>
/// The whole side-by-side run: PostgreSQL, the Jira emulator, the app (Release, Production settings, its own process),
/// a tenant installed through the real signed flow, the bare endpoint and the ACE peer (their own processes) given the
/// same tenant, then the same load against each in turn, then signed-install latency. Everything on 127.0.0.1.
/// </summary>
public static class Scenario
{
    public static async Task<int> RunAsync(ScenarioOptions options)
    {
        var root = RepositoryRoot();
        var work = Path.Combine(Path.GetTempPath(), "devops-provider-bench", DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture));
        Directory.CreateDirectory(work);
        Console.WriteLine($"# Action endpoint under load: {options.Connections} connections, {options.Warmup.TotalSeconds:F0} s warm-up, " +
            $"{options.Duration.TotalSeconds:F0} s measured, {options.Rounds} round(s); PostgreSQL {(options.Durable ? "durable (fsync on)" : "throwaway (fsync off)")}; " +
            $"app connection options: {(string.IsNullOrEmpty(options.AppConnectionOptions) ? "(defaults)" : options.AppConnectionOptions)}; logs in {work}");

        using var postgres = LocalPostgres.Start(Path.Combine(work, "pg"), _ => { }, throwaway: !options.Durable);
        await postgres.EnsureDatabaseAsync("app");
        await postgres.EnsureDatabaseAsync("peer");
        var postmaster = int.Parse(File.ReadLines(Path.Combine(postgres.DataDirectory, "postmaster.pid")).First(), CultureInfo.InvariantCulture);
        await using var emulator = await JiraEmulatorServer.StartAsync();
        await using var keys = await InstallKeyServer.StartAsync(emulator.InstallKeysBaseUrl, Ports.Free());

        var appPort = Ports.Free();
        var appUrl = $"http://127.0.0.1:{appPort}";
        var appLog = Path.Combine(work, "app.log");
        await using var app = ChildProcess.Start("app", "dotnet", [Built(root, "src/DevOpsProvider.Web", "DevOpsProvider.Web.dll")],
            Path.Combine(root, "src/DevOpsProvider.Web"), new Dictionary<string, string>
            {
                ["ASPNETCORE_ENVIRONMENT"] = "Production",
                ["ASPNETCORE_URLS"] = appUrl,
                ["ConnectionStrings__Postgres"] = postgres.ConnectionStringFor("app") + (string.IsNullOrEmpty(options.AppConnectionOptions) ? "" : ";" + options.AppConnectionOptions),
                ["Connect__BaseUrl"] = appUrl,
                ["Connect__InstallKeysBaseUrl"] = keys.BaseUrl,
                ["Connect__AllowedHosts__0"] = "127.0.0.1",
                ["Connect__SecretEncryptionKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
                ["Api__Keys__0"] = Convert.ToHexString(RandomNumberGenerator.GetBytes(24)),
                ["Admin__PasswordHash"] = PasswordHash.Create(Convert.ToHexString(RandomNumberGenerator.GetBytes(16))),
            }, appLog);
        await app.WaitUntilReadyAsync(appUrl + "/health/ready", TimeSpan.FromSeconds(60), appLog);
        var site = await emulator.InstallAsync(appUrl + "/atlassian-connect.json");
        Console.WriteLine($"Installed {site.Name} (clientKey {site.ClientKey}) into the app through the signed install flow.");

        // app-nodb: the same app and token with a body the endpoint refuses (400) before it reaches the database, which
        // splits the app's cost into its HTTP/auth pipeline and the association write.
        var servers = new Dictionary<string, (ChildProcess Process, int Port)> { ["app"] = (app, appPort), ["app-nodb"] = (app, appPort) };
        await using var bare = await StartBareAsync(root, site, work, servers, options.Targets);
        await using var peer = await StartPeerAsync(root, site, postgres, work, servers, options.Targets);

        var token = Actions.Token(site.ClientKey, site.SharedSecret);
        var bodies = Actions.Bodies(site.CloudId);
        var results = new Dictionary<string, List<LoadResult>>();
        foreach (var target in options.Targets.Where(t => t != "app-nodb"))
        {
            await CheckAuthAsync(target, servers[target].Port, token, bodies[0]);
        }

        for (var round = 1; round <= options.Rounds; round++)
        {
            foreach (var target in options.Targets)
            {
                var (process, port) = servers[target];
                Console.WriteLine($"round {round}: {target} (load {LoadAverage()})");
                var result = await LoadGenerator.RunAsync(
                    new LoadSpec(new IPEndPoint(IPAddress.Loopback, port), "PUT", Actions.Path,
                        [new("Authorization", "JWT " + token), new("Content-Type", "application/json")],
                        target == "app-nodb" ? [Actions.RefusedBody] : bodies, options.Connections, options.Warmup, options.Duration),
                    () => (ProcessCpu.Seconds(process.Id), ProcessCpu.Seconds(postmaster, withChildren: true)));
                Console.WriteLine($"  {target,-5} {result.Describe()}");
                (results.TryGetValue(target, out var list) ? list : results[target] = []).Add(result);
            }
        }

        Console.WriteLine($"Association log rows written by the app: {await CountAsync(postgres.ConnectionStringFor("app"), "SELECT count(*) FROM association_log")}");
        Console.WriteLine($"App peak working set (VmHWM): {app.PeakWorkingSetMiB:F0} MiB");
        PrintSummary(results, options);

        if (options.InstallRounds > 0)
        {
            var fetchesBefore = keys.Fetches;
            var (cached, uncached) = await InstallLatency.MeasureAsync(appUrl, keys, options.InstallRounds);
            Console.WriteLine($"\n# Signed install (POST /installed, RS256, reinstall of one tenant), {options.InstallRounds} of each, alternated");
            Console.WriteLine($"| key | latency |\n|---|---|\n| cached kid | {cached} |\n| new kid (fetched from the loopback key server) | {uncached} |");
            Console.WriteLine($"Key fetches during the install runs: {keys.Fetches - fetchesBefore} (expected {options.InstallRounds + 5})");
        }

        return 0;
    }

    private static async Task<ChildProcess?> StartBareAsync(string root, EmulatorSite site, string work, Dictionary<string, (ChildProcess, int)> servers, IReadOnlyList<string> targets)
    {
        if (!targets.Contains("bare"))
        {
            return null;
        }

        var port = Ports.Free();
        var log = Path.Combine(work, "bare.log");
        var bare = ChildProcess.Start("bare", "dotnet", [Built(root, "bench/DevOpsProvider.BareEndpoint", "DevOpsProvider.BareEndpoint.dll"), "--urls", $"http://127.0.0.1:{port}"],
            Path.Combine(root, "bench/DevOpsProvider.BareEndpoint"),
            new Dictionary<string, string> { ["BARE_CLIENT_KEY"] = site.ClientKey, ["BARE_SHARED_SECRET"] = site.SharedSecret, ["ASPNETCORE_ENVIRONMENT"] = "Production" }, log);
        await bare.WaitUntilReadyAsync($"http://127.0.0.1:{port}/health/live", TimeSpan.FromSeconds(30), log);
        servers["bare"] = (bare, port);
        return bare;
    }

    private static async Task<ChildProcess?> StartPeerAsync(string root, EmulatorSite site, LocalPostgres postgres, string work, Dictionary<string, (ChildProcess, int)> servers, IReadOnlyList<string> targets)
    {
        if (!targets.Contains("peer"))
        {
            return null;
        }

        var dir = Path.Combine(root, "bench/peer-ace");
        if (!Directory.Exists(Path.Combine(dir, "node_modules")))
        {
            throw new InvalidOperationException($"Run 'npm ci' in {dir} first (bench/run-all.sh does).");
        }

        var port = Ports.Free();
        var log = Path.Combine(work, "peer-ace.log");
        var db = new NpgsqlConnectionStringBuilder(postgres.ConnectionStringFor("peer"));
        var peer = ChildProcess.Start("peer-ace", "node", ["app.js"], dir, new Dictionary<string, string>
        {
            ["NODE_ENV"] = "production",
            ["PORT"] = port.ToString(CultureInfo.InvariantCulture),
            ["AC_LOCAL_BASE_URL"] = $"http://127.0.0.1:{port}",
            ["DB_URL"] = $"postgres://{db.Username}:{db.Password}@{db.Host}:{db.Port}/{db.Database}",
            ["PEER_CLIENT_KEY"] = site.ClientKey,
            ["PEER_SHARED_SECRET"] = site.SharedSecret,
            ["PEER_SITE_BASE_URL"] = site.BaseUrl,
        }, log);
        await peer.WaitUntilReadyAsync($"http://127.0.0.1:{port}/healthz", TimeSpan.FromSeconds(60), log);
        servers["peer"] = (peer, port);
        return peer;
    }

    /// <summary>Before measuring: the signed call answers 200 and the same call with a broken signature is refused (ACE says 400, the others 401).</summary>
    private static async Task CheckAuthAsync(string target, int port, string token, string body)
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        foreach (var (jwt, expected) in new[] { (token, HttpStatusCode.OK), (token[..^4] + (token.EndsWith("AAAA", StringComparison.Ordinal) ? "BBBB" : "AAAA"), HttpStatusCode.Unauthorized) })
        {
            using var request = new HttpRequestMessage(HttpMethod.Put, Actions.Path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            request.Headers.Authorization = new AuthenticationHeaderValue("JWT", jwt);
            using var response = await http.SendAsync(request);
            var refused = expected != HttpStatusCode.OK && (int)response.StatusCode is 400 or 401;
            if (response.StatusCode != expected && !refused)
            {
                throw new InvalidOperationException($"{target}: expected {(int)expected}, got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            }
        }

        Console.WriteLine($"{target}: the signed call answers 200, a broken signature is refused.");
    }

    private static void PrintSummary(Dictionary<string, List<LoadResult>> results, ScenarioOptions options)
    {
        Console.WriteLine($"\n| target | req/s | p50 ms | p90 ms | p99 ms | max ms | non-2xx + errors | server CPU us/req | PostgreSQL CPU s |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var (target, list) in results)
        {
            foreach (var r in list)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {target} | {r.RequestsPerSecond:F0} | {r.P50Ms:F2} | {r.P90Ms:F2} | {r.P99Ms:F2} | {r.MaxMs:F1} | {r.Failures} | {r.CpuMicrosPerRequest:F0} | {r.DatabaseCpuSeconds:F1} |"));
            }
        }

        double Best(string target) => results.TryGetValue(target, out var l) ? l.Max(r => r.RequestsPerSecond) : 0;
        if (Best("peer") > 0 && Best("app") > 0)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"\napp / peer (best round each): {Best("app") / Best("peer"):F1}x"));
        }

        if (Best("bare") > 0 && Best("app") > 0)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"bare / app (best round each): {Best("bare") / Best("app"):F2}x  (connections {options.Connections})"));
        }
    }

    private static async Task<long> CountAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static string LoadAverage()
        => OperatingSystem.IsLinux() ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";

    private static string Built(string root, string project, string dll)
    {
        var path = Path.Combine(root, project, "bin", "Release", "net10.0", dll);
        return File.Exists(path) ? path : throw new InvalidOperationException($"{path} is missing: build it first ('dotnet build -c Release {project}', or bench/run-all.sh).");
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "DevOpsProvider.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Run from inside the repository (DevOpsProvider.sln not found above the program).");
    }
}
