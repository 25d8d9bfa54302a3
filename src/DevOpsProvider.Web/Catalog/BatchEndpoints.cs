using System.Text.Json;
using DevOpsProvider.Web.Api;

namespace DevOpsProvider.Web.Catalog;

/// <summary>POST /api/v1/components/batch and /import: many components at once, each answered on its own.</summary>
public static class BatchEndpoints
{
    public static void MapBatchEndpoints(this RouteGroupBuilder group)
    {
        group.MapPost("/batch", BatchAsync).Accepts<BatchRequest>("application/json").Produces<BatchReport>().ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge).ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .WithSummary($"Creates or replaces up to {ComponentBatch.MaxComponents} components; answers per item");
        // No Accepts metadata: it would turn every media type it does not list into 415 before the endpoint can name the format.
        group.MapPost("/import", ImportAsync).Produces<ImportReport>().ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge).ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .WithSummary("Imports a JSON, CSV or Backstage YAML catalog file (body or multipart field 'file')")
            .WithDescription("?format=json|csv|backstage (else from the Content-Type), ?scope= puts every component in that scope, " +
                "?mode=replace deletes the scope's components absent from the file, &dryRun=true reports without changing anything. " +
                "The body is the file itself (application/json, text/csv, application/yaml) or a multipart/form-data upload with the field 'file'.");
    }

    private static async Task<IResult> BatchAsync(HttpContext context, ComponentStore store, CatalogDefaults defaults)
    {
        using var body = await ComponentEndpoints.ReadJsonAsync(context);
        if (body is null)
        {
            return ComponentEndpoints.JsonProblem(context);
        }

        if (body.RootElement.ValueKind != JsonValueKind.Object
            || !body.RootElement.TryGetProperty("components", out var array) || array.ValueKind != JsonValueKind.Array)
        {
            return ApiProblem.Invalid("the body must be {\"components\": [...]}", [new FieldError("components", "is required and must be an array")]);
        }

        var count = array.GetArrayLength();
        if (count is 0 or > ComponentBatch.MaxComponents)
        {
            return ApiProblem.Invalid($"the batch holds {count} components",
                [new FieldError("components", $"must hold 1 to {ComponentBatch.MaxComponents} components")]);
        }

        var items = array.EnumerateArray().Select((element, index) => new PositionedInput(index, ComponentInput.FromJson(element)));
        var (valid, rejected) = ComponentBatch.Validate(items, defaults.ForComponents());
        var result = await store.UpsertManyAsync([.. valid.Select(v => v.Component)], null, context.RequestAborted);
        var stored = result.Stored.Select(s => new BatchStored(valid[s.Index].Position, s.Id, Outcome(s.Outcome), s.Version)).ToArray();
        return Results.Ok(new BatchReport(
            stored.Count(s => s.Outcome == "created"),
            stored.Count(s => s.Outcome == "updated"),
            stored.Count(s => s.Outcome == "unchanged"),
            stored,
            [.. rejected.Select(r => new BatchRejected(r.Position, r.Id, r.Errors))]));
    }

    private static async Task<IResult> ImportAsync(HttpContext context, ComponentImporter importer, string? format, string? scope, string? mode, string? dryRun)
    {
        var errors = new List<FieldError>();
        ImportFormat? chosen = null;
        if (!string.IsNullOrEmpty(format))
        {
            chosen = ImportFormats.TryParse(format, out var parsed) ? parsed : null;
            if (chosen is null)
            {
                errors.Add(new FieldError("format", "must be json, csv or backstage"));
            }
        }

        if (scope is not null && !ComponentRules.IsScope(scope))
        {
            errors.Add(new FieldError("scope", ComponentRules.ScopeRule));
        }

        if (mode is not null && mode != "replace" && mode != "merge")
        {
            errors.Add(new FieldError("mode", "must be replace or merge"));
        }

        if (dryRun is not null && dryRun != "true" && dryRun != "false")
        {
            errors.Add(new FieldError("dryRun", "must be true or false"));
        }

        if (errors.Count > 0)
        {
            return ApiProblem.Invalid("the query parameters are not valid", errors);
        }

        Stream content = context.Request.Body;
        var mediaType = context.Request.ContentType;
        string? fileName = null;
        if (context.Request.HasFormContentType)
        {
            var form = await context.Request.ReadFormAsync(context.RequestAborted);
            var file = form.Files.GetFile("file");
            if (file is null)
            {
                return ApiProblem.Invalid("the upload has no file", [new FieldError("file", "is required (multipart field 'file')")]);
            }

            content = file.OpenReadStream();
            mediaType = file.ContentType;
            fileName = file.FileName;
        }

        chosen ??= ImportFormats.FromMediaType(mediaType) ?? ImportFormats.FromFileName(fileName);
        if (chosen is null)
        {
            return ApiProblem.Invalid("the format of the file is unknown",
                [new FieldError("format", "must be given as ?format=json|csv|backstage or by Content-Type application/json, text/csv or application/yaml")]);
        }

        try
        {
            Utf8Body.CheckCharset(mediaType);
            var report = await importer.ImportAsync(content, chosen.Value, new ImportOptions(scope, mode == "replace", dryRun == "true"), context.RequestAborted);
            return Results.Ok(report);
        }
        catch (ImportFileException e)
        {
            return ApiProblem.BadRequest(e.Message);
        }
        catch (BodyEncodingException e)
        {
            return e.ToProblem();
        }
        finally
        {
            if (content != context.Request.Body)
            {
                await content.DisposeAsync();
            }
        }
    }

    private static string Outcome(WriteOutcome outcome) => outcome switch
    {
        WriteOutcome.Created => "created",
        WriteOutcome.Updated => "updated",
        _ => "unchanged",
    };
}
