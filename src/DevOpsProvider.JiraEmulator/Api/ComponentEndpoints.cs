using System.Text.Json;
using System.Text.Json.Nodes;

namespace DevOpsProvider.JiraEmulator;

/// <summary>The operations of the DevOps Components API once a call is authentic and allowed.</summary>
internal static class ComponentEndpoints
{
    /// <summary>POST /bulk: each component checked on its own; the valid ones stored even when others fail. Returns the component count.</summary>
    public static async Task<int> SubmitAsync(HttpContext context, EmulatorSite site, ReadOnlyMemory<byte> body)
    {
        var (submission, error) = BulkSubmission.Parse(body);
        if (submission is null)
        {
            await ApiResponses.ErrorsAsync(context, StatusCodes.Status400BadRequest, error!);
            return 0;
        }

        var nodes = submission.Components.ToArray();
        // Detached from the request's array so a stored component can be placed in other JSON by whoever reads it.
        submission.Components.Clear();
        var accepted = new List<string>(nodes.Length);
        var toStore = new List<StoredComponent>(nodes.Length);
        var failed = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        for (var i = 0; i < nodes.Length; i++)
        {
            var problems = ComponentRules.Check(nodes[i]);
            var id = ComponentRules.UsableId(nodes[i]);
            if (problems.Count == 0)
            {
                var component = (JsonObject)nodes[i]!;
                accepted.Add(id!);
                toStore.Add(new StoredComponent(component, submission.Properties, component["updateSequenceNumber"]!.GetValue<long>()));
                continue;
            }

            var key = id ?? $"{submission.ArrayName}[{i}]";
            if (failed.TryGetValue(key, out var existing))
            {
                existing.AddRange(problems);
            }
            else
            {
                failed[key] = problems;
            }
        }

        // An older or equal updateSequenceNumber is ignored by the store but still reported as accepted, like Jira.
        site.Store.Accept(toStore);

        context.Response.StatusCode = StatusCodes.Status202Accepted;
        context.Response.ContentType = "application/json";
        await using var writer = new Utf8JsonWriter(context.Response.Body);
        writer.WriteStartObject();
        writer.WriteStartArray("acceptedComponents");
        foreach (var id in accepted)
        {
            writer.WriteStringValue(id);
        }

        writer.WriteEndArray();
        writer.WriteStartObject("failedComponents");
        foreach (var (id, problems) in failed)
        {
            writer.WriteStartArray(id);
            foreach (var problem in problems)
            {
                writer.WriteStartObject();
                writer.WriteString("message", problem);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
        writer.WriteStartArray("unknownProjectKeys");
        writer.WriteEndArray();
        writer.WriteEndObject();
        return nodes.Length;
    }

    public static async Task GetAsync(HttpContext context, EmulatorSite site, string id)
    {
        var stored = site.Store.Get(id);
        if (stored is null)
        {
            await ApiResponses.ErrorsAsync(context, StatusCodes.Status404NotFound, $"no component with id '{id}' is stored");
            return;
        }

        context.Response.ContentType = "application/json";
        await using var writer = new Utf8JsonWriter(context.Response.Body);
        stored.Component.WriteTo(writer);
    }

    /// <summary>DELETE /bulkByProperties?k=v&amp;...: deletes what matches ALL given properties; at least one is required.</summary>
    public static async Task DeleteByPropertiesAsync(HttpContext context, EmulatorSite site)
    {
        var properties = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, values) in context.Request.Query)
        {
            if (key == "jwt")
            {
                continue;
            }

            var error = BulkSubmission.PropertyKeyError(key) ?? (values.Count > 1 ? "is given more than once" : null);
            if (error is not null)
            {
                await ApiResponses.ErrorsAsync(context, StatusCodes.Status400BadRequest, $"{key}: {error}");
                return;
            }

            properties[key] = values.ToString();
        }

        if (properties.Count == 0)
        {
            await ApiResponses.ErrorsAsync(context, StatusCodes.Status400BadRequest,
                "properties: at least one property must be given as a query parameter");
            return;
        }

        site.Store.DeleteMatching(properties);
        context.Response.StatusCode = StatusCodes.Status202Accepted;
    }
}
