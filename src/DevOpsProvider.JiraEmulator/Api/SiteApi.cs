using Microsoft.AspNetCore.Http.Features;

namespace DevOpsProvider.JiraEmulator;

/// <summary>
/// The DevOps Components API of each site, under its context path /sites/{name}. Checks in Jira's order:
/// scripted faults, then the JWT (401), then install state and scope (403), then the request itself (413, 400).
/// Every call is recorded in the request log.
/// </summary>
internal static class SiteApi
{
    public static void MapSiteApi(this IEndpointRouteBuilder app)
        => app.Map("/sites/{site}/{**rest}", HandleAsync);

    private static async Task HandleAsync(HttpContext context, Emulator emulator)
    {
        var (path, query) = RawTarget(context);
        var site = emulator.FindSiteByName((string)context.Request.RouteValues["site"]!);
        if (site is null || !path.StartsWith(site.BasePath + "/", StringComparison.Ordinal))
        {
            await ApiResponses.ErrorsAsync(context, StatusCodes.Status404NotFound, "there is no site at this address");
            return;
        }

        var call = new ApiCall();
        using var inFlight = site.BeginCall();
        try
        {
            await DispatchAsync(context, emulator, site, path, query, call);
            call.Status = context.Response.StatusCode;
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            call.Status = 0;
        }
        finally
        {
            emulator.Log.Add(new ReceivedRequest(emulator.Time.GetUtcNow(), site.ClientKey, context.Request.Method,
                path[site.BasePath.Length..] + query, call.Status, call.ComponentCount, call.JwtVerified, call.BodyBytes));
        }
    }

    private static async Task DispatchAsync(HttpContext context, Emulator emulator, EmulatorSite site, string path, string query, ApiCall call)
    {
        var route = ApiRoute.Match(context.Request.Method, path[site.BasePath.Length..]);
        if (route.Operation is not { } operation)
        {
            await ApiResponses.ErrorsAsync(context, route.FailureStatus, "no DevOps Components operation at this path and method");
            return;
        }

        // The body is read first so that an early answer (fault, 401, 403) never leaves the client mid-upload.
        var (body, length) = await RequestBody.ReadAsync(context, emulator.Options.MaxPayloadBytes);
        call.BodyBytes = length;

        if (site.Faults.Take() is { } fault && await ApiResponses.FaultAsync(context, fault, emulator.Time))
        {
            return;
        }

        var reason = ApiAuth.Check(context, site, path, query, emulator.Time.GetUtcNow(), emulator.Options.JwtLeeway);
        if (reason is not null)
        {
            context.Response.Headers.WWWAuthenticate = "JWT";
            await ApiResponses.ErrorsAsync(context, StatusCodes.Status401Unauthorized, reason);
            return;
        }

        call.JwtVerified = true;
        var refusal = site.State switch
        {
            EmulatorSite.Uninstalled => "the app is not installed on this site",
            EmulatorSite.Disabled => "the app is disabled on this site",
            _ when !site.HasScope(route.Scope) => $"the app's descriptor does not grant the {route.Scope} scope this operation requires",
            _ => null,
        };
        if (refusal is not null)
        {
            await ApiResponses.ErrorsAsync(context, StatusCodes.Status403Forbidden, refusal);
            return;
        }

        if (body is not { } content)
        {
            await ApiResponses.ErrorsAsync(context, StatusCodes.Status413PayloadTooLarge,
                $"the request is larger than {emulator.Options.MaxPayloadBytes} bytes: submit fewer components");
            return;
        }

        switch (operation)
        {
            case ApiOperation.Submit:
                call.ComponentCount = await ComponentEndpoints.SubmitAsync(context, site, content);
                break;
            case ApiOperation.GetById:
                await ComponentEndpoints.GetAsync(context, site, route.ComponentId!);
                break;
            case ApiOperation.DeleteById:
                site.Store.Delete(route.ComponentId!);
                context.Response.StatusCode = StatusCodes.Status202Accepted;
                break;
            case ApiOperation.DeleteByProperties:
                await ComponentEndpoints.DeleteByPropertiesAsync(context, site);
                break;
        }
    }

    /// <summary>The path and query exactly as sent: the qsh is computed over them, never over a decoded form.</summary>
    private static (string Path, string Query) RawTarget(HttpContext context)
    {
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (string.IsNullOrEmpty(raw) || raw[0] != '/')
        {
            return (context.Request.PathBase.Add(context.Request.Path).ToUriComponent(), context.Request.QueryString.Value ?? "");
        }

        var qm = raw.IndexOf('?', StringComparison.Ordinal);
        return qm < 0 ? (raw, "") : (raw[..qm], raw[qm..]);
    }

    private sealed class ApiCall
    {
        public int Status { get; set; }

        public int ComponentCount { get; set; }

        public bool JwtVerified { get; set; }

        public long BodyBytes { get; set; }
    }
}
