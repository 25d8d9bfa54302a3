using DevOpsProvider.Web.Data;
using Npgsql;

namespace DevOpsProvider.Tests.Infrastructure;

/// <summary>
/// One PostgreSQL server per test run: ConnectionStrings__Postgres when given, else a throwaway cluster started with
/// the app's own LocalPostgres in a temporary folder. Each test class gets a fresh database on it.
/// Without PostgreSQL the tests fail with instructions; they never skip.
/// </summary>
public static class TestCluster
{
    private static readonly Lazy<string> Server = new(StartServer, LazyThreadSafetyMode.ExecutionAndPublication);
    private static LocalPostgres? _local;

    /// <summary>A connection string to a new, empty database.</summary>
    public static async Task<string> CreateDatabaseAsync()
    {
        var server = Server.Value;
        var name = "test_" + Guid.NewGuid().ToString("N")[..16];
        await using var connection = new NpgsqlConnection(server);
        await connection.OpenAsync();
        await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
        await create.ExecuteNonQueryAsync();
        // Idle connections close soon: a run starts hundreds of apps, each with pools of its own.
        return new NpgsqlConnectionStringBuilder(server) { Database = name, Pooling = true, MaxPoolSize = 20, ConnectionIdleLifetime = 5, ConnectionPruningInterval = 1 }.ConnectionString;
    }

    /// <summary>The throwaway cluster, when this run started one (tests that stop and start the server need it).</summary>
    public static LocalPostgres? Local
    {
        get
        {
            _ = Server.Value;
            return _local;
        }
    }

    private static string StartServer()
    {
        var given = Environment.GetEnvironmentVariable("ConnectionStrings__Postgres");
        if (!string.IsNullOrWhiteSpace(given))
        {
            return given;
        }

        var root = Path.Combine(Path.GetTempPath(), "devops-provider-tests");
        RemoveStaleClusters(root);
        var dir = Path.Combine(root, Guid.NewGuid().ToString("N")[..12], "pg");
        try
        {
            _local = LocalPostgres.Start(dir, _ => { }, throwaway: true);
        }
        catch (Exception ex)
        {
            throw new InvalidOperationException("The tests need PostgreSQL and none could be started. " + ex.Message, ex);
        }

        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            _local.Stop();
            try
            {
                Directory.Delete(Path.GetDirectoryName(dir)!, recursive: true);
            }
            catch (IOException)
            {
                // A temp folder left behind is harmless.
            }
            catch (UnauthorizedAccessException)
            {
                // Likewise.
            }
        };
        return _local.ServerConnectionString;
    }

    /// <summary>
    /// Clusters of earlier runs whose test host was killed before its exit handler ran (a cancelled run, a crash)
    /// would pile up gigabytes in the temp folder: each is removed once its server is gone. A folder younger than
    /// ten minutes is left alone, since a run beside this one may still be creating it.
    /// </summary>
    private static void RemoveStaleClusters(string root)
    {
        if (!Directory.Exists(root))
        {
            return;
        }

        foreach (var folder in Directory.EnumerateDirectories(root))
        {
            if (Directory.GetLastWriteTimeUtc(folder) > DateTime.UtcNow.AddMinutes(-10) || ServerRunsIn(folder))
            {
                continue;
            }

            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Left for the next run.
            }
        }
    }

    /// <summary>Whether a postmaster.pid under the folder names a live process (or the folder cannot be read).</summary>
    private static bool ServerRunsIn(string folder)
    {
        try
        {
            return PidFilesIn(folder).Any(pid => Directory.Exists($"/proc/{pid}"));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return true;
        }
    }

    private static IEnumerable<int> PidFilesIn(string folder)
    {
        foreach (var pidFile in Directory.EnumerateFiles(folder, "postmaster.pid", SearchOption.AllDirectories))
        {
            var first = File.ReadLines(pidFile).FirstOrDefault();
            if (int.TryParse(first, out var pid))
            {
                yield return pid;
            }
        }
    }
}
