using System.Diagnostics;
using DevOpsProvider.Web.Data;
using Npgsql;

namespace DevOpsProvider.Tests.Faults;

/// <summary>
/// A PostgreSQL cluster of one test's own, which the test stops and starts again on the same port (the shared
/// TestCluster must stay up for every other test). Created by the app's LocalPostgres; stopped and started with
/// pg_ctl, as the unprivileged 'postgres' user when the tests run as root (PostgreSQL refuses root).
/// </summary>
public sealed class StoppablePostgres : IDisposable
{
    private readonly LocalPostgres _cluster;
    private readonly string _root;
    private readonly string _bin;

    private StoppablePostgres(string root, LocalPostgres cluster)
    {
        _root = root;
        _cluster = cluster;
        _bin = LocalPostgres.FindBinDirectory()!;
    }

    /// <summary>The app's database on this cluster (pooled like the test apps' ones, with room for several workers).</summary>
    public string ConnectionString { get; private set; } = "";

    public static async Task<StoppablePostgres> StartAsync()
    {
        var root = Path.Combine(Path.GetTempPath(), "devops-provider-tests", "stoppable-" + Guid.NewGuid().ToString("N")[..12]);
        var cluster = LocalPostgres.Start(Path.Combine(root, "pg"), _ => { }, throwaway: true);
        var postgres = new StoppablePostgres(root, cluster);
        await cluster.EnsureDatabaseAsync("faults");
        postgres.ConnectionString = new NpgsqlConnectionStringBuilder(cluster.ConnectionStringFor("faults"))
        {
            MaxPoolSize = 40,
            ConnectionIdleLifetime = 5,
            ConnectionPruningInterval = 1,
            // A stopped server refuses at once; a short timeout keeps waits short if it does not.
            Timeout = 5,
        }.ConnectionString;
        return postgres;
    }

    /// <summary>Stops the server (fast shutdown: open sessions are cut, committed data stays).</summary>
    public void Stop() => PgCtl("-D", _cluster.DataDirectory, "-m", "fast", "-w", "-t", "60", "stop");

    /// <summary>Starts the server again on the port it had, so the app's connection string still points at it.</summary>
    public void Start()
        => PgCtl("-D", _cluster.DataDirectory, "-l", Path.Combine(_cluster.DataDirectory, "server.log"), "-w", "-t", "90",
            "-o", $"-c listen_addresses=127.0.0.1 -p {_cluster.Port} -k \"\" -c max_connections=200 -c fsync=off", "start");

    public void Dispose()
    {
        // The cluster's own Stop would clear every connection pool of the process, other tests' included.
        Run("-D", _cluster.DataDirectory, "-m", "immediate", "-w", "-t", "60", "stop");
        try
        {
            Directory.Delete(_root, recursive: true);
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

    private void PgCtl(params string[] args)
    {
        var (code, output) = Run(args);
        if (code != 0)
        {
            throw new InvalidOperationException($"pg_ctl {string.Join(' ', args)} failed ({code}): {output}");
        }
    }

    private (int Code, string Output) Run(params string[] args)
    {
        var pgCtl = Path.Combine(_bin, "pg_ctl");
        var root = Environment.UserName == "root";
        var start = new ProcessStartInfo(root ? "runuser" : pgCtl)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = "/",
        };
        if (root)
        {
            foreach (var a in new[] { "-u", "postgres", "--", pgCtl })
            {
                start.ArgumentList.Add(a);
            }
        }

        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        // The started server inherits the pipes: read them only after pg_ctl itself has exited.
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(120)))
        {
            process.Kill(entireProcessTree: true);
            return (-1, "pg_ctl did not finish within 120 s");
        }

        var done = Task.WaitAll([stdout, stderr], TimeSpan.FromSeconds(2));
        return (process.ExitCode, done ? (stdout.Result + stderr.Result).Trim() : "");
    }
}
