using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Npgsql;

namespace DevOpsProvider.Web.Data;

/// <summary>
/// A PostgreSQL cluster this process starts itself: the embedded default of Development runs and the throwaway
/// cluster of a test run. initdb once, pg_ctl start on a free loopback port, pg_ctl stop at the end.
/// PostgreSQL refuses to run as root; as root the server binaries run as the unprivileged 'postgres' user via runuser.
/// </summary>
public sealed class LocalPostgres : IDisposable
{
    public const string InstallHint =
        "Install the PostgreSQL server binaries (Debian/Ubuntu: 'apt-get install postgresql'; macOS: 'brew install postgresql') " +
        "or set ConnectionStrings:Postgres (environment: ConnectionStrings__Postgres) to an existing server.";

    private const string SuperUser = "postgres";
    private readonly string _binDirectory;
    private readonly string? _runAs;
    private readonly Action<string> _log;
    private bool _stopped;

    private LocalPostgres(string dataDirectory, string binDirectory, string? runAs, int port, string password, Action<string> log)
    {
        DataDirectory = dataDirectory;
        _binDirectory = binDirectory;
        _runAs = runAs;
        Port = port;
        _log = log;
        ServerConnectionString = new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = port,
            Username = SuperUser,
            Password = password,
            Database = "postgres",
        }.ConnectionString;
    }

    public string DataDirectory { get; }

    public int Port { get; }

    /// <summary>Connection string to the cluster's maintenance database 'postgres'.</summary>
    public string ServerConnectionString { get; }

    /// <summary>The connection string for <paramref name="database"/> on this cluster.</summary>
    public string ConnectionStringFor(string database)
        => new NpgsqlConnectionStringBuilder(ServerConnectionString) { Database = database }.ConnectionString;

    /// <summary>
    /// Starts (initialising first when needed) the cluster in <paramref name="dataDirectory"/>; adopts it when it is
    /// already running. <paramref name="throwaway"/> turns durability off, for test clusters only.
    /// </summary>
    public static LocalPostgres Start(string dataDirectory, Action<string> log, bool throwaway = false)
    {
        var bin = FindBinDirectory() ?? throw new InvalidOperationException(
            "No PostgreSQL server binaries (initdb, pg_ctl) were found via 'pg_config --bindir', /usr/lib/postgresql/*/bin or PATH. " + InstallHint);
        var runAs = IsRoot() ? SuperUser : null;
        var dir = Path.GetFullPath(dataDirectory);
        var passwordFile = dir.TrimEnd(Path.DirectorySeparatorChar) + ".password";
        Directory.CreateDirectory(Path.GetDirectoryName(dir)!);

        string password;
        if (!File.Exists(Path.Combine(dir, "PG_VERSION")))
        {
            password = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
            InitDb(bin, runAs, dir, password, log);
            WritePrivate(passwordFile, password);
        }
        else
        {
            password = File.Exists(passwordFile)
                ? File.ReadAllText(passwordFile).Trim()
                : throw new InvalidOperationException($"The local PostgreSQL cluster in {dir} has no password file {passwordFile}; delete the folder to start afresh.");
        }

        var running = ReadRunningPort(bin, runAs, dir);
        if (running is int port)
        {
            log($"Adopted the local PostgreSQL cluster already running in {dir} on 127.0.0.1:{port}.");
            return new LocalPostgres(dir, bin, runAs, port, password, log);
        }

        for (var attempt = 1; ; attempt++)
        {
            port = FreeLoopbackPort();
            // -k "": no Unix socket (its path length is limited and it would need a shared directory); loopback TCP only.
            var options = $"-c listen_addresses=127.0.0.1 -p {port} -k \"\"";
            // A test run starts many apps in parallel, each with its own pools: room for all of them.
            options += throwaway
                ? " -c max_connections=1000 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_wal_size=256MB"
                : " -c max_connections=300";

            var result = Run(bin, runAs, "pg_ctl", ["-D", dir, "-l", Path.Combine(dir, "server.log"), "-w", "-t", "90", "-o", options, "start"]);
            if (result.ExitCode == 0)
            {
                log($"Started a local PostgreSQL cluster in {dir} on 127.0.0.1:{port} ({bin}).");
                return new LocalPostgres(dir, bin, runAs, port, password, log);
            }

            if (attempt >= 3)
            {
                throw new InvalidOperationException($"pg_ctl could not start PostgreSQL in {dir}: {result.Output} (see {Path.Combine(dir, "server.log")})");
            }
        }
    }

    /// <summary>Creates <paramref name="database"/> when it does not exist yet.</summary>
    public async Task EnsureDatabaseAsync(string database, CancellationToken cancellationToken = default)
    {
        await using var connection = new NpgsqlConnection(ServerConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @name", connection);
        exists.Parameters.AddWithValue("name", database);
        if (await exists.ExecuteScalarAsync(cancellationToken) is null)
        {
            // Identifiers cannot be parameters; the name is quoted and its quotes doubled.
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{database.Replace("\"", "\"\"", StringComparison.Ordinal)}\"", connection);
            await create.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    public void Stop()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        NpgsqlConnection.ClearAllPools();
        var result = Run(_binDirectory, _runAs, "pg_ctl", ["-D", DataDirectory, "-m", "fast", "-w", "-t", "60", "stop"]);
        _log(result.ExitCode == 0
            ? $"Stopped the local PostgreSQL cluster in {DataDirectory}."
            : $"pg_ctl stop failed for {DataDirectory}: {result.Output}");
    }

    public void Dispose() => Stop();

    /// <summary>The directory holding initdb and pg_ctl: pg_config --bindir, then /usr/lib/postgresql/*/bin (newest), then PATH.</summary>
    public static string? FindBinDirectory()
    {
        var fromPgConfig = TryRun("pg_config", "--bindir");
        if (fromPgConfig is not null && HasServer(fromPgConfig))
        {
            return fromPgConfig;
        }

        if (Directory.Exists("/usr/lib/postgresql"))
        {
            var newest = Directory.GetDirectories("/usr/lib/postgresql")
                .Select(d => (Dir: Path.Combine(d, "bin"), Version: int.TryParse(Path.GetFileName(d), out var v) ? v : 0))
                .Where(d => HasServer(d.Dir))
                .OrderByDescending(d => d.Version)
                .Select(d => d.Dir)
                .FirstOrDefault();
            if (newest is not null)
            {
                return newest;
            }
        }

        foreach (var entry in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            if (HasServer(entry))
            {
                // PATH entries are often symlinks (/usr/local/bin/initdb); the real directory keeps pg_ctl and postgres together.
                var initdb = new FileInfo(Path.Combine(entry, "initdb"));
                var target = initdb.ResolveLinkTarget(returnFinalTarget: true);
                return target is null ? entry : Path.GetDirectoryName(target.FullName);
            }
        }

        return null;
    }

    private static bool HasServer(string dir)
        => File.Exists(Path.Combine(dir, "initdb")) && File.Exists(Path.Combine(dir, "pg_ctl"));

    private static void InitDb(string bin, string? runAs, string dir, string password, Action<string> log)
    {
        Directory.CreateDirectory(dir);
        // The server insists on owning its data directory with mode 0700.
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        var pwfile = Path.Combine(Path.GetTempPath(), $"pg-pw-{Guid.NewGuid():N}");
        WritePrivate(pwfile, password);
        try
        {
            if (runAs is not null)
            {
                Chown(runAs, dir);
                Chown(runAs, pwfile);
            }

            var result = Run(bin, runAs, "initdb", ["-D", dir, "-U", SuperUser, "-E", "UTF8", "--locale=C", "--auth-local=peer", "--auth-host=scram-sha-256", "--pwfile", pwfile]);
            if (result.ExitCode != 0)
            {
                throw new InvalidOperationException($"initdb failed in {dir}: {result.Output}");
            }

            log($"Initialised a local PostgreSQL cluster in {dir}.");
        }
        finally
        {
            File.Delete(pwfile);
        }
    }

    private static int? ReadRunningPort(string bin, string? runAs, string dir)
    {
        var pidFile = Path.Combine(dir, "postmaster.pid");
        if (!File.Exists(pidFile) || Run(bin, runAs, "pg_ctl", ["-D", dir, "status"]).ExitCode != 0)
        {
            return null;
        }

        // postmaster.pid: line 4 holds the port.
        var lines = File.ReadAllLines(pidFile);
        return lines.Length > 3 && int.TryParse(lines[3], out var port) ? port : null;
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static void WritePrivate(string path, string content)
    {
        File.WriteAllText(path, content);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }

    private static void Chown(string user, string path)
    {
        var result = RunProcess("chown", ["-R", $"{user}:{user}", path]);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"Running as root, PostgreSQL must run as the '{user}' user, but '{path}' could not be given to it: {result.Output}. " + InstallHint);
        }
    }

    private static (int ExitCode, string Output) Run(string bin, string? runAs, string tool, IReadOnlyList<string> args)
    {
        var exe = Path.Combine(bin, tool);
        return runAs is null
            ? RunProcess(exe, args)
            : RunProcess("runuser", ["-u", runAs, "--", exe, .. args]);
    }

    private static string? TryRun(string file, params string[] args)
    {
        try
        {
            var (code, output) = RunProcess(file, args);
            return code == 0 ? output.Trim() : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    private static (int ExitCode, string Output) RunProcess(string file, IReadOnlyList<string> args)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            // The server's working directory must be readable by the user it runs as.
            WorkingDirectory = "/",
        };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        // pg_ctl start leaves the server holding the inherited pipes; read to the end only after the tool exits.
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(120)))
        {
            process.Kill(entireProcessTree: true);
            return (-1, $"{file} did not finish within 120 s");
        }

        var done = Task.WaitAll([stdout, stderr], TimeSpan.FromSeconds(2));
        var output = done ? (stdout.Result + stderr.Result).Trim() : "";
        return (process.ExitCode, output);
    }

    // Environment.UserName is the name of the effective user on Unix.
    private static bool IsRoot() => !OperatingSystem.IsWindows() && Environment.UserName == "root";
}
