using System.Globalization;
using System.Text.Json;
using DevOpsProvider.Web.Api;
using Microsoft.AspNetCore.Http.Features;

namespace DevOpsProvider.Web.Catalog;

/// <summary>/api/v1/components: one component by id (URL-encoded in the path), and the paged, filtered list.</summary>
public static class ComponentEndpoints
{
    public const string Route = ApiSetup.Prefix + "/components";
    public const int MaxPageSize = 1000;

    public static void MapComponentEndpoints(this RouteGroupBuilder group)
    {
        group.MapGet("/", ListAsync).Produces<ComponentPageView>().WithSummary("Lists live components, paged, with optional filters");
        group.MapGet("/{id}", GetAsync).Produces<ComponentView>().ProducesProblem(404).WithSummary("Gets one component (id URL-encoded)");
        group.MapPut("/{id}", PutAsync).Accepts<ComponentInput>("application/json")
            .Produces<ComponentView>().Produces<ComponentView>(201).ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge).ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .WithSummary("Creates or replaces one component");
        group.MapDelete("/{id}", DeleteAsync).Produces(204).ProducesProblem(404).WithSummary("Deletes one component (kept as a tombstone until every site is told)");
    }

    private static async Task<IResult> GetAsync(HttpContext context, ComponentStore store)
    {
        var id = IdFromPath(context);
        var component = await store.FindAsync(id, context.RequestAborted);
        return component is null ? ApiProblem.NotFound($"no component has the id '{id}'") : new ComponentResult(component);
    }

    private static async Task<IResult> PutAsync(HttpContext context, ComponentStore store, CatalogDefaults defaults)
    {
        var id = IdFromPath(context);
        using var body = await ReadJsonAsync(context);
        if (body is null)
        {
            return JsonProblem(context);
        }

        var input = ComponentInput.FromJson(body.RootElement);
        if (input.Id is not null && input.Id != id)
        {
            input.ReadErrors.Add(new FieldError("id", "must match the id in the path (or be left out)"));
        }

        input.Id = id;
        var validation = ComponentRules.Validate(input, defaults.ForComponents());
        if (!validation.IsValid)
        {
            return ApiProblem.Invalid($"the component '{id}' breaks {validation.Errors.Count} rule(s)", validation.Errors);
        }

        var stored = await store.UpsertAsync(validation.Component!, context.RequestAborted);
        var saved = await store.FindAsync(id, context.RequestAborted);
        return stored.Outcome == WriteOutcome.Created
            ? new ComponentResult(saved!, StatusCodes.Status201Created, Route + "/" + Uri.EscapeDataString(id))
            : new ComponentResult(saved!);
    }

    private static async Task<IResult> DeleteAsync(HttpContext context, ComponentStore store)
    {
        var id = IdFromPath(context);
        return await store.DeleteAsync(id, context.RequestAborted)
            ? Results.NoContent()
            : ApiProblem.NotFound($"no component has the id '{id}'");
    }

    private static async Task<IResult> ListAsync(
        HttpContext context, ComponentStore store, string? page, string? pageSize, string? q, string? tier, string? componentType, string? scope)
    {
        var errors = new List<FieldError>();
        var pageNumber = Number(page, "page", 1, 1, int.MaxValue, errors);
        var size = Number(pageSize, "pageSize", 50, 1, MaxPageSize, errors);
        if (errors.Count > 0)
        {
            return ApiProblem.Invalid("the query parameters are not valid", errors);
        }

        var query = new ComponentQuery(Blank(q), Blank(tier), Blank(componentType), Blank(scope), pageNumber, size);
        return new ComponentPageResult(await store.ListAsync(query, context.RequestAborted));
    }

    /// <summary>
    /// The id from the raw request target: ids may hold '/', which arrives as %2F and which the routed path value
    /// would leave encoded; decoding the raw segment once gives the id exactly as the client encoded it.
    /// </summary>
    public static string IdFromPath(HttpContext context)
    {
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? context.Request.Path.Value ?? "";
        var query = raw.IndexOf('?', StringComparison.Ordinal);
        var path = query >= 0 ? raw[..query] : raw;
        return Uri.UnescapeDataString(path[(path.LastIndexOf('/') + 1)..]);
    }

    private const string JsonErrorItem = "Catalog.JsonError";

    /// <summary>
    /// How every JSON body of the catalog API is parsed: 16 levels are more than a component needs (deeper nesting
    /// is refused before it costs anything), and a repeated property is refused rather than resolved by a guess at
    /// which of the two the sender meant.
    /// </summary>
    public static readonly JsonDocumentOptions JsonOptions = new() { MaxDepth = 16, AllowDuplicateProperties = false };

    /// <summary>
    /// The body as JSON, or null with the answer in context.Items: malformed JSON is a 400 that says where, a body
    /// that is not UTF-8 a 415 that says why.
    /// </summary>
    public static async Task<JsonDocument?> ReadJsonAsync(HttpContext context)
    {
        try
        {
            Utf8Body.CheckCharset(context.Request.ContentType);
            return await JsonDocument.ParseAsync(new Utf8CheckingStream(context.Request.Body), JsonOptions, context.RequestAborted);
        }
        catch (JsonException e)
        {
            context.Items[JsonErrorItem] = ApiProblem.BadRequest($"the body is not valid JSON: {e.Message}");
            return null;
        }
        catch (BodyEncodingException e)
        {
            context.Items[JsonErrorItem] = e.ToProblem();
            return null;
        }
    }

    /// <summary>The answer for a body <see cref="ReadJsonAsync"/> could not read.</summary>
    public static IResult JsonProblem(HttpContext context) => (IResult)context.Items[JsonErrorItem]!;

    private static int Number(string? text, string field, int fallback, int min, int max, List<FieldError> errors)
    {
        if (string.IsNullOrEmpty(text))
        {
            return fallback;
        }

        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
        {
            return value;
        }

        errors.Add(new FieldError(field, $"must be a whole number from {min} to {max}"));
        return fallback;
    }

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text;
}
