using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;
using DevOpsProvider.Web.Catalog;
using DevOpsProvider.Web.Connect;
using DevOpsProvider.Web.Operations;

namespace DevOpsProvider.Web.Actions;

/// <summary>
/// The four actions of the jiraDevOpsComponentProvider module (PROTOCOL.md section 7), at the templateUrls the
/// descriptor declares. Jira signs each call HS256 with a qsh; context-qsh is refused (no [AllowContextQsh]).
/// Every read and write is keyed by the tenant the token authenticated, never by anything in the body.
/// </summary>
public static class ActionEndpoints
{
    private static readonly string[] Methods = ["POST", "PUT"];

    public static void MapActions(this IEndpointRouteBuilder app)
    {
        var actions = app.MapGroup("/actions").RequireAuthorization(ConnectSetup.JiraPolicy).DisableAntiforgery()
            .AddEndpointFilterFactory(JiraCallLogging.Filter);
        actions.MapMethods("/associate-entity", Methods, (HttpContext c, ComponentStore components, AssociationStore associations)
            => LinkFromProviderAsync(c, "associateWith", "associateEntity", components, associations));
        actions.MapMethods("/disassociate-entity", Methods, (HttpContext c, ComponentStore components, AssociationStore associations)
            => LinkFromProviderAsync(c, "disassociateFrom", "disassociateEntity", components, associations));
        actions.MapMethods("/on-entity-associated", Methods, (HttpContext c, ComponentStore components, AssociationStore associations)
            => NotificationAsync(c, "associatedWith", "onEntityAssociated", components, associations));
        actions.MapMethods("/on-entity-disassociated", Methods, (HttpContext c, ComponentStore components, AssociationStore associations)
            => NotificationAsync(c, "disassociatedFrom", "onEntityDisassociated", components, associations));
    }

    /// <summary>associateEntity / disassociateEntity: the component must be in the catalog; answers it as Component JSON.</summary>
    private static async Task<IResult> LinkFromProviderAsync(
        HttpContext context, string targetProperty, string action, ComponentStore components, AssociationStore associations)
    {
        var (payload, error) = await ReadAsync(context, targetProperty);
        if (payload is null)
        {
            return BadRequest(error!);
        }

        var component = await FindAsync(payload, components, context.RequestAborted);
        if (component is null)
        {
            return Results.Json(new { error = "not found", reason = $"no component in the catalog has {Describe(payload)}" }, statusCode: StatusCodes.Status404NotFound);
        }

        var tenant = context.GetTenant();
        if (action == "associateEntity")
        {
            await associations.AssociateAsync(tenant.ClientKey, component.Id, payload.Target, payload.UserId, action, context.RequestAborted);
        }
        else
        {
            await associations.DisassociateAsync(tenant.ClientKey, component.Id, payload.Target, payload.UserId, action, context.RequestAborted);
        }

        return new ComponentResult(component);
    }

    /// <summary>onEntityAssociated / onEntityDisassociated: recorded even for components the catalog does not know.</summary>
    private static async Task<IResult> NotificationAsync(
        HttpContext context, string targetProperty, string action, ComponentStore components, AssociationStore associations)
    {
        var (payload, error) = await ReadAsync(context, targetProperty);
        if (payload is null)
        {
            return BadRequest(error!);
        }

        var componentId = payload.EntityId;
        if (componentId is null)
        {
            // Only a url was given: the catalog maps it to an id, else the url itself stands for the unknown component.
            componentId = (await components.FindByUrlAsync(payload.EntityUrl!, context.RequestAborted))?.Id ?? payload.EntityUrl!;
        }

        var tenant = context.GetTenant();
        if (action == "onEntityAssociated")
        {
            await associations.AssociateAsync(tenant.ClientKey, componentId, payload.Target, payload.UserId, action, context.RequestAborted);
        }
        else
        {
            await associations.DisassociateAsync(tenant.ClientKey, componentId, payload.Target, payload.UserId, action, context.RequestAborted);
        }

        return Results.Ok();
    }

    private static async Task<CatalogComponent?> FindAsync(ActionPayload payload, ComponentStore components, CancellationToken cancellationToken)
        => (payload.EntityUrl is not null ? await components.FindByUrlAsync(payload.EntityUrl, cancellationToken) : null)
           ?? (payload.EntityId is not null ? await components.FindAsync(payload.EntityId, cancellationToken) : null);

    private static string Describe(ActionPayload payload)
        => payload.EntityUrl is not null ? $"the url '{payload.EntityUrl}'" : $"the id '{payload.EntityId}'";

    private static async Task<(ActionPayload? Payload, string? Error)> ReadAsync(HttpContext context, string targetProperty)
    {
        if (context.Request.ContentLength > ActionPayload.MaxBodyBytes)
        {
            return (null, $"the body is larger than {ActionPayload.MaxBodyBytes} bytes");
        }

        var reader = context.Request.BodyReader;
        while (true)
        {
            var result = await reader.ReadAsync(context.RequestAborted);
            if (result.Buffer.Length > ActionPayload.MaxBodyBytes)
            {
                reader.AdvanceTo(result.Buffer.Start);
                return (null, $"the body is larger than {ActionPayload.MaxBodyBytes} bytes");
            }

            if (result.IsCompleted)
            {
                var parsed = ActionPayload.Parse(result.Buffer.IsSingleSegment ? result.Buffer.FirstSpan : result.Buffer.ToArray(),
                    targetProperty, context.Request.Query["userId"].FirstOrDefault());
                reader.AdvanceTo(result.Buffer.End);
                return parsed;
            }

            reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
        }
    }

    private static IResult BadRequest(string reason)
        => Results.Json(new { error = "bad request", reason }, statusCode: StatusCodes.Status400BadRequest);

    /// <summary>Writes the component as the seed's Component JSON straight to the response.</summary>
    private sealed class ComponentResult(CatalogComponent component) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.ContentType = "application/json; charset=utf-8";
            await using (var writer = new Utf8JsonWriter(httpContext.Response.BodyWriter))
            {
                ComponentJson.Write(writer, component);
            }

            await httpContext.Response.BodyWriter.FlushAsync();
        }
    }
}
