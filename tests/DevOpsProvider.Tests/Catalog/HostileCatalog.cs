using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Dapper;
using Npgsql;

namespace DevOpsProvider.Tests.Catalog;

/// <summary>
/// A catalog app holding a few components, and the three checks every hostile-input test makes: a clear 4xx
/// problem, the catalog exactly as before (every id, version and tombstone), and the app still answering.
/// </summary>
public sealed class HostileCatalog : IAsyncLifetime
{
    public const int Seeded = 3;

    public CatalogApp Catalog { get; } = new();

    public HttpClient Api => Catalog.Api;

    public async Task InitializeAsync()
    {
        await Catalog.InitializeAsync();
        for (var i = 1; i <= Seeded; i++)
        {
            await Catalog.PutOkAsync(CatalogApp.Component("seed-" + i));
        }
    }

    public Task DisposeAsync() => Catalog.DisposeAsync();

    /// <summary>Every row of the catalog, tombstones included, with its version.</summary>
    public async Task<string[]> SnapshotAsync()
    {
        await using var connection = new NpgsqlConnection(Catalog.App.ConnectionString);
        var rows = await connection.QueryAsync<string>(
            "SELECT id || ' v' || version || coalesce(' deleted ' || deleted_at::text, '') FROM components ORDER BY id");
        return [.. rows];
    }

    /// <summary>Sends a hostile request and checks the answer is <paramref name="expected"/> with a problem body, nothing stored, the app up.</summary>
    public async Task<JsonObject> RefusedAsync(Func<Task<HttpResponseMessage>> send, HttpStatusCode expected)
    {
        var before = await SnapshotAsync();
        JsonObject problem;
        using (var response = await send())
        {
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == expected, $"expected {(int)expected}, got {(int)response.StatusCode}: {text}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            problem = JsonNode.Parse(text)!.AsObject();
            Assert.Equal((int)expected, (int)problem["status"]!);
        }

        Assert.Equal(before, await SnapshotAsync());
        await AssertAnswersAsync();
        return problem;
    }

    /// <summary>The app still serves the catalog, with the seeded components.</summary>
    public async Task AssertAnswersAsync()
    {
        var page = await Api.GetFromJsonAsync<JsonObject>("api/v1/components?pageSize=1&q=seed-");
        Assert.Equal(Seeded, (long)page!["total"]!);
    }

    /// <summary>The field and rule of a problem's first error.</summary>
    public static (string Field, string Rule) FirstError(JsonObject problem)
    {
        var error = problem["errors"]![0]!;
        return ((string)error["field"]!, (string)error["rule"]!);
    }
}
