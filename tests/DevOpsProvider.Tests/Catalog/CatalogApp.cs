using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using DevOpsProvider.Tests.Infrastructure;
using DevOpsProvider.Web.Catalog;
using Microsoft.Extensions.DependencyInjection;

namespace DevOpsProvider.Tests.Catalog;

/// <summary>Records what the catalog tells its change listeners.</summary>
public sealed class RecordingListener : ICatalogChangeListener
{
    public ConcurrentQueue<string[]> Calls { get; } = new();

    public Task OnCatalogChangedAsync(IReadOnlyCollection<string> scopes, CancellationToken cancellationToken)
    {
        Calls.Enqueue([.. scopes.Order(StringComparer.Ordinal)]);
        return Task.CompletedTask;
    }
}

/// <summary>One app per test class (tests use their own ids), with a recording change listener and an API client.</summary>
public sealed class CatalogApp : IAsyncLifetime
{
    public TestApp App { get; private set; } = null!;

    public HttpClient Api { get; private set; } = null!;

    public RecordingListener Listener { get; } = new();

    public static readonly Dictionary<string, string?> Settings = new()
    {
        ["Catalog:DefaultProviderName"] = "Northwind Engineering",
        ["Catalog:BackstageBaseUrl"] = "https://backstage.northwind.example",
        ["Api:MaxRequestBytes"] = (256 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    public async Task InitializeAsync()
    {
        App = await TestApp.StartAsync(Settings, services => services.AddSingleton<ICatalogChangeListener>(Listener));
        Api = App.CreateApiClient();
    }

    public async Task DisposeAsync()
    {
        Api.Dispose();
        await App.DisposeAsync();
    }

    /// <summary>A valid component as a provider would send it; tests change one field at a time.</summary>
    public static JsonObject Component(string id, string scope = "default") => new()
    {
        ["schemaVersion"] = "1.0",
        ["id"] = id,
        ["name"] = "Payments " + id,
        ["providerName"] = "Northwind",
        ["description"] = "Charges cards and issues refunds.",
        ["url"] = "https://code.northwind.example/" + Uri.EscapeDataString(id),
        ["avatarUrl"] = "https://code.northwind.example/avatar.png",
        ["tier"] = "Tier 1",
        ["componentType"] = "Service",
        ["lastUpdated"] = "2024-03-11T09:14:02.000Z",
        ["scope"] = scope,
    };

    public static string Path(string id) => "api/v1/components/" + Uri.EscapeDataString(id);

    public Task<HttpResponseMessage> PutAsync(JsonObject component) => Api.PutAsJsonAsync(Path((string)component["id"]!), component);

    public async Task<JsonObject> PutOkAsync(JsonObject component)
    {
        using var response = await PutAsync(component);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"PUT answered {(int)response.StatusCode}: {body}");
        return JsonNode.Parse(body)!.AsObject();
    }

    public static async Task<JsonObject> ReadAsync(HttpResponseMessage response) => JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
}
