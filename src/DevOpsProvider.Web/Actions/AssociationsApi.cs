using DevOpsProvider.Web.Api;

namespace DevOpsProvider.Web.Actions;

/// <summary>GET /api/v1/tenants/{clientKey}/associations for operators (API key).</summary>
public static class AssociationsApi
{
    public static void MapAssociationsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/tenants/{clientKey}/associations", async (string clientKey, string? componentId, AssociationStore store, CancellationToken ct) =>
        {
            var list = await store.ListAsync(clientKey, componentId, ct);
            return Results.Ok(new { associations = list });
        }).RequireAuthorization(ApiKeyAuthentication.Policy).WithTags("Associations");
    }
}
