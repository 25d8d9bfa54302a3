using Npgsql;
using NpgsqlTypes;

namespace DevOpsProvider.Web.Actions;

/// <summary>
/// The statement that commits a batch of association changes: the changes go in as one array per column, and one
/// statement upserts the links, removes the unlinked ones and logs every change in arrival order. A single statement
/// is its own transaction, so the batch costs one round trip and one commit, and commits all or nothing.
/// </summary>
public static class AssociationBatch
{
    /// <summary>
    /// The data-modifying CTEs all see the table as it was before the statement, so one link may appear only once per
    /// statement (<see cref="SplitByKey"/>). A repeated associate refreshes who and when; removing a missing link is fine.
    /// </summary>
    private const string Sql = """
        WITH change AS (
            SELECT * FROM unnest(@clientKeys::text[], @componentIds::text[], @targetTypes::text[], @targetIds::text[],
                                 @cloudIds::text[], @aris::text[], @actors::text[], @actions::text[], @associates::boolean[],
                                 @occurredAts::timestamptz[])
                WITH ORDINALITY AS c(client_key, component_id, target_type, target_id, cloud_id, ari, actor, action, associate, occurred_at, n)
        ),
        upserted AS (
            INSERT INTO associations (client_key, component_id, target_type, target_id, cloud_id, ari, associated_by, associated_at)
            SELECT client_key, component_id, target_type, target_id, cloud_id, ari, actor, occurred_at FROM change WHERE associate
            ON CONFLICT (client_key, component_id, target_type, target_id) DO UPDATE SET
                cloud_id = COALESCE(excluded.cloud_id, associations.cloud_id),
                ari = COALESCE(excluded.ari, associations.ari),
                associated_by = COALESCE(excluded.associated_by, associations.associated_by),
                associated_at = excluded.associated_at
        ),
        removed AS (
            DELETE FROM associations a USING change c
            WHERE NOT c.associate AND a.client_key = c.client_key AND a.component_id = c.component_id
              AND a.target_type = c.target_type AND a.target_id = c.target_id
        )
        INSERT INTO association_log (client_key, component_id, target_type, target_id, change, action, actor, occurred_at)
        SELECT client_key, component_id, target_type, target_id, CASE WHEN associate THEN 'associated' ELSE 'disassociated' END,
               action, actor, occurred_at
        FROM change ORDER BY n
        """;

    /// <summary>Consecutive runs of the batch in which no link appears twice, in arrival order.</summary>
    public static IEnumerable<IReadOnlyList<AssociationChange>> SplitByKey(List<AssociationChange> batch)
    {
        var run = new List<AssociationChange>(batch.Count);
        var keys = new HashSet<(string, string, string, string)>();
        foreach (var change in batch)
        {
            if (!keys.Add((change.ClientKey, change.ComponentId, change.Target.Type, change.Target.Id)))
            {
                yield return run;
                run = [];
                keys.Clear();
                keys.Add((change.ClientKey, change.ComponentId, change.Target.Type, change.Target.Id));
            }

            run.Add(change);
        }

        if (run.Count > 0)
        {
            yield return run;
        }
    }

    public static NpgsqlCommand Command(IReadOnlyList<AssociationChange> changes, NpgsqlConnection connection)
    {
        var command = new NpgsqlCommand(Sql, connection);
        Add(command, "clientKeys", changes, c => c.ClientKey);
        Add(command, "componentIds", changes, c => c.ComponentId);
        Add(command, "targetTypes", changes, c => c.Target.Type);
        Add(command, "targetIds", changes, c => c.Target.Id);
        Add(command, "cloudIds", changes, c => c.Target.CloudId);
        Add(command, "aris", changes, c => c.Target.Ari);
        Add(command, "actors", changes, c => c.Actor);
        Add(command, "actions", changes, c => c.Action);
        command.Parameters.Add(new NpgsqlParameter<bool[]>("associates", NpgsqlDbType.Array | NpgsqlDbType.Boolean) { TypedValue = [.. changes.Select(c => c.Associate)] });
        command.Parameters.Add(new NpgsqlParameter<DateTime[]>("occurredAts", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { TypedValue = [.. changes.Select(c => c.At)] });
        return command;
    }

    private static void Add(NpgsqlCommand command, string name, IReadOnlyList<AssociationChange> changes, Func<AssociationChange, string?> value)
        => command.Parameters.Add(new NpgsqlParameter<string?[]>(name, NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = [.. changes.Select(value)] });
}
