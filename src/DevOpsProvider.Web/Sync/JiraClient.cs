using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using DevOpsProvider.Web.Connect;
using Microsoft.Extensions.Options;
using Polly.Timeout;

namespace DevOpsProvider.Web.Sync;

/// <summary>
/// The four operations of the DevOps Components API (jira-devops-components-api.txt) against one site. Signing and
/// retries happen in the handlers behind the HttpClient (JiraSigningHandler, JiraResilience).
/// </summary>
public sealed class JiraClient(HttpClient http, IOptions<JiraOptions> options)
{
    private const string ApiRoot = "/rest/devopscomponents/1.0/";
    private static readonly MediaTypeHeaderValue Json = new("application/json");

    /// <summary>Name of the components array: the seed's "components" or the current API's "devopsComponents".</summary>
    public string ArrayName => IsCurrent ? "devopsComponents" : "components";

    private bool IsCurrent => string.Equals(options.Value.ComponentsApi, "current", StringComparison.Ordinal);

    /// <summary>POST bulk. <paramref name="body"/> is the whole JSON request body.</summary>
    public async Task<BulkResponse> SubmitAsync(Tenant tenant, ReadOnlyMemory<byte> body, RequestCounters? counters, CancellationToken cancellationToken)
    {
        using var request = Create(HttpMethod.Post, tenant, "bulk", "submit", counters);
        request.Content = new ReadOnlyMemoryContent(body);
        request.Content.Headers.ContentType = Json;
        using var response = await SendAsync(request, cancellationToken);
        await ThrowUnlessSuccessAsync(request, response, cancellationToken);
        return await response.Content.ReadFromJsonAsync<BulkResponse>(JsonSerializerOptions.Web, cancellationToken) ?? new BulkResponse();
    }

    /// <summary>GET one component; null when Jira has none with that id.</summary>
    public async Task<JsonObject?> GetAsync(Tenant tenant, string componentId, CancellationToken cancellationToken)
    {
        using var request = Create(HttpMethod.Get, tenant, ComponentPath(componentId), "get", null);
        using var response = await SendAsync(request, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        await ThrowUnlessSuccessAsync(request, response, cancellationToken);
        return await response.Content.ReadFromJsonAsync<JsonObject>(cancellationToken);
    }

    /// <summary>DELETE one component. An id Jira does not know counts as deleted.</summary>
    public async Task DeleteAsync(Tenant tenant, string componentId, RequestCounters? counters, CancellationToken cancellationToken)
    {
        using var request = Create(HttpMethod.Delete, tenant, ComponentPath(componentId), "delete", counters);
        using var response = await SendAsync(request, cancellationToken);
        if (response.StatusCode != HttpStatusCode.NotFound)
        {
            await ThrowUnlessSuccessAsync(request, response, cancellationToken);
        }
    }

    /// <summary>DELETE bulkByProperties: everything whose properties match all of <paramref name="properties"/>.</summary>
    public async Task DeleteByPropertiesAsync(Tenant tenant, IReadOnlyDictionary<string, string> properties, RequestCounters? counters, CancellationToken cancellationToken)
    {
        if (properties.Count == 0)
        {
            throw new ArgumentException("At least one property is required (Jira answers 400 otherwise).", nameof(properties));
        }

        var query = string.Join('&', properties.Select(p => Uri.EscapeDataString(p.Key) + "=" + Uri.EscapeDataString(p.Value)));
        using var request = Create(HttpMethod.Delete, tenant, "bulkByProperties?" + query, "delete-by-properties", counters);
        using var response = await SendAsync(request, cancellationToken);
        await ThrowUnlessSuccessAsync(request, response, cancellationToken);
    }

    // Ids may hold '/', ':' and spaces: escaped so each id stays one path segment.
    private string ComponentPath(string componentId)
        => (IsCurrent ? "devopscomponents/" : "") + Uri.EscapeDataString(componentId);

    private static HttpRequestMessage Create(HttpMethod method, Tenant tenant, string relative, string operation, RequestCounters? counters)
    {
        var request = new HttpRequestMessage(method, new Uri(tenant.BaseUrl.TrimEnd('/') + ApiRoot + relative));
        request.Options.Set(JiraRequest.TenantKey, tenant);
        request.Options.Set(JiraRequest.OperationKey, operation);
        if (counters is not null)
        {
            request.Options.Set(JiraRequest.CountersKey, counters);
        }

        return request;
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        try
        {
            return await http.SendAsync(request, cancellationToken);
        }
        catch (Exception ex) when (ex is HttpRequestException or TimeoutRejectedException or IOException && !cancellationToken.IsCancellationRequested)
        {
            throw new JiraRequestException(null, $"{request.Method} {request.RequestUri!.AbsolutePath} failed after retries: {ex.Message}", ex);
        }
    }

    private static async Task ThrowUnlessSuccessAsync(HttpRequestMessage request, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var status = (int)response.StatusCode;
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        var detail = body.Length > 500 ? body[..500] + "..." : body;
        throw status switch
        {
            401 or 403 => new JiraAccessDeniedException(status, $"{request.Method} {request.RequestUri!.AbsolutePath}: {detail}"),
            413 => new JiraPayloadTooLargeException(),
            _ => new JiraRequestException(status, $"Jira answered {status} to {request.Method} {request.RequestUri!.AbsolutePath}: {detail}"),
        };
    }
}

/// <summary>The 202 body of a bulk submission.</summary>
public sealed class BulkResponse
{
    public List<string> AcceptedComponents { get; set; } = [];

    public Dictionary<string, List<BulkError>> FailedComponents { get; set; } = [];

    public List<string> UnknownProjectKeys { get; set; } = [];
}

public sealed class BulkError
{
    public string? Message { get; set; }

    public string? ErrorTraceId { get; set; }
}
