using System.Text.Json;
using DevOpsProvider.Connect;
using DevOpsProvider.Web.Operations;
using Microsoft.Extensions.Options;

namespace DevOpsProvider.Web.Connect;

/// <summary>Told about verified lifecycle changes (sync uses it to start and stop work for a site).</summary>
public interface ITenantLifecycleListener
{
    Task OnInstalledAsync(Tenant tenant, CancellationToken cancellationToken);

    Task OnStateChangedAsync(string clientKey, string eventType, string state, CancellationToken cancellationToken);
}

/// <summary>The lifecycle callbacks the descriptor declares (PROTOCOL.md section 2).</summary>
public static class Lifecycle
{
    private const int MaxBodyBytes = 64 * 1024;

    public static void MapLifecycle(this IEndpointRouteBuilder app)
    {
        app.MapPost("/installed", InstalledAsync).AllowAnonymous().DisableAntiforgery();
        app.MapPost("/uninstalled", UninstalledAsync).AllowAnonymous().DisableAntiforgery();
        app.MapPost("/enabled", (HttpContext c, TenantStore s, TenantCache cache, IEnumerable<ITenantLifecycleListener> l, ILogger<TenantStore> log)
            => StateChangeAsync(c, "enabled", s, cache, l, log)).RequireAuthorization(ConnectSetup.JiraPolicy).DisableAntiforgery()
            .AddEndpointFilterFactory(JiraCallLogging.Filter);
        app.MapPost("/disabled", (HttpContext c, TenantStore s, TenantCache cache, IEnumerable<ITenantLifecycleListener> l, ILogger<TenantStore> log)
            => StateChangeAsync(c, "disabled", s, cache, l, log)).RequireAuthorization(ConnectSetup.JiraPolicy).DisableAntiforgery()
            .AddEndpointFilterFactory(JiraCallLogging.Filter);
    }

    private static async Task<IResult> InstalledAsync(
        HttpContext context, SignedInstallVerifier verifier, TenantStore store, TenantCache cache, HostPolicy hosts,
        IOptions<ConnectOptions> options, IEnumerable<ITenantLifecycleListener> listeners, ILogger<TenantStore> logger)
    {
        var payload = await ReadPayloadAsync(context);
        if (payload is null)
        {
            return Problem(StatusCodes.Status400BadRequest, "the body is not a lifecycle payload (JSON object)");
        }

        var verdict = await verifier.VerifyAsync(context, payload.ClientKey);
        if (!verdict.Succeeded)
        {
            logger.LogWarning("Refused installed from {ClientKey}: {Reason}", payload.ClientKey ?? "(none)", verdict.Reason);
            return Problem(StatusCodes.Status401Unauthorized, verdict.Reason!);
        }

        var invalid = string.IsNullOrEmpty(payload.SharedSecret) ? "sharedSecret is required"
            : !string.Equals(payload.Key, options.Value.AppKey, StringComparison.Ordinal) ? "key is not this app's key"
            : hosts.Check(payload.BaseUrl);
        if (invalid is not null)
        {
            logger.LogWarning("Refused installed from {ClientKey}: {Reason}", payload.ClientKey, invalid);
            return Problem(StatusCodes.Status400BadRequest, invalid);
        }

        payload.BaseUrl = payload.BaseUrl!.TrimEnd('/');
        var outcome = await store.InstallAsync(payload, context.RequestAborted);
        cache.Evict(payload.ClientKey!);
        foreach (var replaced in outcome.ReplacedClientKeys)
        {
            cache.Evict(replaced);
            logger.LogWarning("Tenant {OldClientKey} on {BaseUrl} is replaced by the new clientKey {ClientKey} (site import or restore); it gets no more syncs",
                replaced, payload.BaseUrl, payload.ClientKey);
        }

        logger.LogInformation("{Kind} of tenant {ClientKey} ({BaseUrl}) verified and stored",
            outcome.IsNew ? "Install" : "Reinstall", payload.ClientKey, payload.BaseUrl);
        var tenant = await store.FindAsync(payload.ClientKey!, context.RequestAborted);
        foreach (var listener in listeners)
        {
            await listener.OnInstalledAsync(tenant!, context.RequestAborted);
        }

        return Results.NoContent();
    }

    private static async Task<IResult> UninstalledAsync(
        HttpContext context, SignedInstallVerifier verifier, TenantStore store, TenantCache cache,
        IEnumerable<ITenantLifecycleListener> listeners, ILogger<TenantStore> logger)
    {
        var payload = await ReadPayloadAsync(context);
        if (payload is null)
        {
            return Problem(StatusCodes.Status400BadRequest, "the body is not a lifecycle payload (JSON object)");
        }

        var verdict = await verifier.VerifyAsync(context, payload.ClientKey);
        if (!verdict.Succeeded)
        {
            logger.LogWarning("Refused uninstalled from {ClientKey}: {Reason}", payload.ClientKey ?? "(none)", verdict.Reason);
            return Problem(StatusCodes.Status401Unauthorized, verdict.Reason!);
        }

        return await ApplyAsync(context, payload.ClientKey!, "uninstalled", store, cache, listeners, logger);
    }

    private static async Task<IResult> StateChangeAsync(
        HttpContext context, string eventType, TenantStore store, TenantCache cache,
        IEnumerable<ITenantLifecycleListener> listeners, ILogger<TenantStore> logger)
    {
        var tenant = context.GetTenant();
        var payload = await ReadPayloadAsync(context);
        if (payload is null)
        {
            return Problem(StatusCodes.Status400BadRequest, "the body is not a lifecycle payload (JSON object)");
        }

        // The token names the tenant; a body naming another one is refused rather than trusted.
        if (!string.Equals(payload.ClientKey, tenant.ClientKey, StringComparison.Ordinal))
        {
            return Problem(StatusCodes.Status400BadRequest, "clientKey in the body does not match the token's iss");
        }

        return await ApplyAsync(context, tenant.ClientKey, eventType, store, cache, listeners, logger);
    }

    private static async Task<IResult> ApplyAsync(
        HttpContext context, string clientKey, string eventType, TenantStore store, TenantCache cache,
        IEnumerable<ITenantLifecycleListener> listeners, ILogger<TenantStore> logger)
    {
        var state = await store.ApplyEventAsync(clientKey, eventType, context.RequestAborted);
        cache.Evict(clientKey);
        if (state is null)
        {
            logger.LogInformation("Ignored {Event} for unknown tenant {ClientKey}", eventType, clientKey);
            return Results.NoContent();
        }

        logger.LogInformation("Tenant {ClientKey}: {Event}, state now {State}", clientKey, eventType, state);
        foreach (var listener in listeners)
        {
            await listener.OnStateChangedAsync(clientKey, eventType, state, context.RequestAborted);
        }

        return Results.NoContent();
    }

    private static async Task<LifecyclePayload?> ReadPayloadAsync(HttpContext context)
    {
        if (context.Request.ContentLength > MaxBodyBytes)
        {
            return null;
        }

        try
        {
            context.Request.EnableBuffering(MaxBodyBytes);
            var payload = await JsonSerializer.DeserializeAsync<LifecyclePayload>(context.Request.Body, JsonSerializerOptions.Web, context.RequestAborted);
            return payload;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static IResult Problem(int status, string reason)
        => Results.Json(new { error = status == 401 ? "unauthorized" : "bad request", reason }, statusCode: status);
}

/// <summary>The RS256 check of installed and uninstalled (PROTOCOL.md section 2).</summary>
public sealed class SignedInstallVerifier(InstallKeys keys, AppBaseUrl appBaseUrl, IOptions<ConnectOptions> options, TimeProvider time)
{
    public async Task<JwtCheck> VerifyAsync(HttpContext context, string? clientKey)
    {
        var header = context.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("JWT ", StringComparison.OrdinalIgnoreCase))
        {
            return JwtCheck.Fail("a signed install token (Authorization: JWT ...) is required");
        }

        var jwt = ConnectJwt.Read(header[4..].Trim());
        if (jwt is null)
        {
            return JwtCheck.Fail("the JWT is malformed");
        }

        if (!string.Equals(jwt.Alg, ConnectJwt.Rs256, StringComparison.Ordinal))
        {
            return JwtCheck.Fail("install callbacks must be signed with RS256");
        }

        if (string.IsNullOrEmpty(clientKey))
        {
            return JwtCheck.Fail("clientKey is missing from the body");
        }

        var key = await keys.GetAsync(jwt.Kid, context.RequestAborted);
        if (key is null)
        {
            return JwtCheck.Fail("the install key for the token's kid could not be obtained");
        }

        var check = await SignedInstallToken.VerifyAsync(jwt, key, appBaseUrl.Value, time.GetUtcNow(), options.Value.InstallLeeway);
        if (!check.Succeeded)
        {
            return check;
        }

        if (!string.Equals(ConnectJwt.GetString(jwt, "iss"), clientKey, StringComparison.Ordinal))
        {
            return JwtCheck.Fail("iss does not equal the body's clientKey");
        }

        var qsh = ConnectJwt.GetString(jwt, "qsh");
        var (path, query) = RequestTarget.Of(context);
        return qsh is not null && QueryStringHash.Matches(qsh, context.Request.Method, path, query, appBaseUrl.Path)
            ? JwtCheck.Ok
            : JwtCheck.Fail("qsh does not match the request");
    }
}
