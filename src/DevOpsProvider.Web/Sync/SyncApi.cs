using DevOpsProvider.Web.Api;
using DevOpsProvider.Web.Connect;

namespace DevOpsProvider.Web.Sync;

/// <summary>The operators' sync API under /api/v1, behind the same API keys as the catalog API.</summary>
public static class SyncApi
{
    public static void MapSyncApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup(ApiSetup.Prefix).RequireAuthorization(ApiKeyAuthentication.Policy).DisableAntiforgery().WithTags("Sync");
        api.MapPost("/sync", (SyncStatus status) => Results.Accepted(value: new { jobId = status.SyncAll() }));
        api.MapGet("/tenants", async (SyncStatus status, CancellationToken ct) => Results.Ok(await status.SitesAsync(ct)));
        api.MapPost("/tenants/{clientKey}/sync", SyncSiteAsync);
        api.MapGet("/tenants/{clientKey}/runs", RunsAsync);
        api.MapPut("/tenants/{clientKey}/scopes", SetScopesAsync);
        api.MapPost("/tenants/{clientKey}/remove-data", RemoveDataAsync);
    }

    private static async Task<IResult> SyncSiteAsync(string clientKey, bool? full, TenantStore tenants, SyncStatus status, CancellationToken ct)
    {
        var tenant = await tenants.FindAsync(clientKey, ct);
        if (tenant is null)
        {
            return UnknownSite(clientKey);
        }

        if (tenant.State != TenantStates.Active)
        {
            return Error(StatusCodes.Status409Conflict, $"the site is {tenant.State}: only active sites are synced");
        }

        var jobId = await status.SyncAsync(clientKey, full ?? false, ct);
        return Results.Accepted(value: new { jobId, clientKey, full = full ?? false });
    }

    private static async Task<IResult> RunsAsync(string clientKey, int? limit, TenantStore tenants, SyncStatus status, CancellationToken ct)
        => await tenants.FindAsync(clientKey, ct) is null
            ? UnknownSite(clientKey)
            : Results.Ok(await status.RunsAsync(clientKey, limit ?? 50, ct));

    private static async Task<IResult> SetScopesAsync(string clientKey, ScopesRequest? body, TenantStore tenants, SiteScopes scopes, CancellationToken ct)
    {
        if (await tenants.FindAsync(clientKey, ct) is null)
        {
            return UnknownSite(clientKey);
        }

        var invalid = SiteScopes.Validate(body?.Scopes);
        if (invalid is not null)
        {
            return Error(StatusCodes.Status400BadRequest, invalid);
        }

        return Results.Ok(new { scopes = await scopes.SetAsync(clientKey, body!.Scopes!.Select(s => s!).ToArray(), ct) });
    }

    private static async Task<IResult> RemoveDataAsync(string clientKey, string? scope, TenantStore tenants, SiteScopes scopes, CancellationToken ct)
    {
        if (await tenants.FindAsync(clientKey, ct) is null)
        {
            return UnknownSite(clientKey);
        }

        if (scope is not null && SiteScopes.Validate([scope]) is not null)
        {
            return Error(StatusCodes.Status400BadRequest, $"scope must be 1 to {SiteScopes.MaxScopeLength} characters without control characters");
        }

        try
        {
            var forgotten = await scopes.RemoveDataAsync(clientKey, scope, ct);
            return forgotten is null
                ? Error(StatusCodes.Status409Conflict, "a sync run of this site is in progress; try again when it has finished")
                : Results.Ok(new { clientKey, scope, componentsRemoved = forgotten, scopes = await scopes.GetAsync(clientKey, ct) });
        }
        catch (JiraAccessDeniedException ex)
        {
            return Error(StatusCodes.Status502BadGateway, ex.Message);
        }
        catch (JiraRequestException ex)
        {
            return Error(StatusCodes.Status502BadGateway, ex.Message);
        }
    }

    private static IResult UnknownSite(string clientKey) => ApiProblem.NotFound($"no site with clientKey '{clientKey}'");

    private static IResult Error(int status, string message) => Results.Problem(ApiProblem.Create(status, Titles.GetValueOrDefault(status, "Error"), message));

    private static readonly Dictionary<int, string> Titles = new()
    {
        [StatusCodes.Status400BadRequest] = "The request is not valid",
        [StatusCodes.Status409Conflict] = "Conflict",
        [StatusCodes.Status502BadGateway] = "Jira refused the request",
    };

    public sealed class ScopesRequest
    {
        public List<string?>? Scopes { get; set; }
    }
}
