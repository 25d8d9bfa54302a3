using System.Text.Json;

namespace DevOpsProvider.Web.Catalog;

/// <summary>API answers that hold components, written with <see cref="ComponentJson"/> so the API shows exactly what sync sends.</summary>
public sealed class ComponentResult(CatalogComponent component, int status = StatusCodes.Status200OK, string? location = null) : IResult
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.StatusCode = status;
        httpContext.Response.ContentType = "application/json; charset=utf-8";
        if (location is not null)
        {
            httpContext.Response.Headers.Location = location;
        }

        await using var writer = new Utf8JsonWriter(httpContext.Response.BodyWriter);
        ComponentJson.WriteWithCatalogFields(writer, component);
        await writer.FlushAsync(httpContext.RequestAborted);
    }
}

public sealed class ComponentPageResult(ComponentPage page) : IResult
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.ContentType = "application/json; charset=utf-8";
        await using var writer = new Utf8JsonWriter(httpContext.Response.BodyWriter);
        writer.WriteStartObject();
        writer.WriteNumber("page", page.Page);
        writer.WriteNumber("pageSize", page.PageSize);
        writer.WriteNumber("total", page.Total);
        writer.WriteStartArray("components");
        foreach (var component in page.Components)
        {
            ComponentJson.WriteWithCatalogFields(writer, component);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
        await writer.FlushAsync(httpContext.RequestAborted);
    }
}

/// <summary>The shapes of the API for its OpenAPI document (the answers themselves are written by ComponentJson).</summary>
public sealed record ComponentView(
    string SchemaVersion, string Id, long UpdateSequenceNumber, string Name, string? ProviderName, string Description, string Url,
    string AvatarUrl, string Tier, string ComponentType, string LastUpdated, string Scope, long Version);

public sealed record ComponentPageView(int Page, int PageSize, long Total, IReadOnlyList<ComponentView> Components);

public sealed record BatchRequest(IReadOnlyList<ComponentInput> Components);

public sealed record BatchStored(int Index, string Id, string Outcome, long Version);

public sealed record BatchRejected(int Index, string? Id, IReadOnlyList<FieldError> Errors);

public sealed record BatchReport(int Created, int Updated, int Unchanged, IReadOnlyList<BatchStored> Stored, IReadOnlyList<BatchRejected> Rejected);
