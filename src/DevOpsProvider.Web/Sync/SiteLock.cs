using Npgsql;

namespace DevOpsProvider.Web.Sync;

/// <summary>
/// One run per site at a time, across every app instance: a PostgreSQL session advisory lock keyed by the site,
/// held on a connection of its own for the whole run. If the process dies, PostgreSQL ends the session and the lock
/// goes with it, so a crashed run never blocks the site.
/// </summary>
public sealed class SiteLock : IAsyncDisposable
{
    // The first key of the two-key advisory lock: this app's sync runs (the migration lock uses the one-key form).
    private const int LockClass = 0x5_1AC;
    private readonly NpgsqlConnection _connection;
    private readonly string _clientKey;

    private SiteLock(NpgsqlConnection connection, string clientKey)
    {
        _connection = connection;
        _clientKey = clientKey;
    }

    /// <summary>The lock, or null when another run (here or in another instance) holds it.</summary>
    public static async Task<SiteLock?> TryAcquireAsync(NpgsqlDataSource dataSource, string clientKey, CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var command = new NpgsqlCommand("SELECT pg_try_advisory_lock(@lockClass, hashtext(@clientKey))", connection);
            command.Parameters.AddWithValue("lockClass", LockClass);
            command.Parameters.AddWithValue("clientKey", clientKey);
            if (await command.ExecuteScalarAsync(cancellationToken) is true)
            {
                return new SiteLock(connection, clientKey);
            }
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }

        await connection.DisposeAsync();
        return null;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await using var command = new NpgsqlCommand("SELECT pg_advisory_unlock(@lockClass, hashtext(@clientKey))", _connection);
            command.Parameters.AddWithValue("lockClass", LockClass);
            command.Parameters.AddWithValue("clientKey", _clientKey);
            await command.ExecuteScalarAsync(CancellationToken.None);
        }
        catch (NpgsqlException)
        {
            // A broken connection: its session is gone and the lock with it.
        }
        finally
        {
            await _connection.DisposeAsync();
        }
    }
}
