using System.Security.Claims;
using System.Text.Encodings.Web;
using DevOpsProvider.Connect;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace DevOpsProvider.Web.Connect;

/// <summary>Marks an endpoint meant for the browser (an iframe), where Jira's tokens carry qsh = "context-qsh".</summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method)]
public sealed class AllowContextQshAttribute : Attribute;

/// <summary>
/// The authentication scheme of Jira-to-app calls (PROTOCOL.md section 3): token from "Authorization: JWT ..." or the
/// jwt query parameter, tenant found by iss, HS256 with its shared secret, exp with leeway, qsh over the request.
/// </summary>
public sealed class ConnectJwtHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    TenantCache tenants,
    AppBaseUrl appBaseUrl,
    IOptions<ConnectOptions> connectOptions,
    TimeProvider time)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    public const string SchemeName = "ConnectJwt";
    public const string ClientKeyClaim = "clientKey";
    private const string FailureItem = "ConnectJwt.Failure";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var token = ReadToken(Request);
        if (token is null)
        {
            return Fail(null, "no JWT in the Authorization header or the jwt query parameter");
        }

        var jwt = ConnectJwt.Read(token);
        if (jwt is null)
        {
            return Fail(null, "the JWT is malformed");
        }

        var issuer = ConnectJwt.GetString(jwt, "iss");
        if (string.IsNullOrEmpty(issuer) || issuer.Length > 255)
        {
            return Fail(null, "the JWT has no iss claim");
        }

        var tenant = await tenants.FindAsync(issuer, Context.RequestAborted);
        if (tenant is null)
        {
            return Fail(issuer, "unknown iss: no such installed site");
        }

        if (tenant.State is TenantStates.Uninstalled or TenantStates.Replaced)
        {
            return Fail(issuer, $"the site is {tenant.State}");
        }

        var check = ConnectJwt.VerifyHs256(jwt, tenant.SharedSecret, time.GetUtcNow(), connectOptions.Value.JwtLeeway);
        if (!check.Succeeded)
        {
            return Fail(issuer, check.Reason!);
        }

        var qsh = ConnectJwt.GetString(jwt, "qsh");
        if (string.IsNullOrEmpty(qsh))
        {
            return Fail(issuer, "the JWT has no qsh claim");
        }

        if (qsh == QueryStringHash.ContextQsh)
        {
            if (Context.GetEndpoint()?.Metadata.GetMetadata<AllowContextQshAttribute>() is null)
            {
                return Fail(issuer, "context-qsh is not accepted on this endpoint");
            }
        }
        else
        {
            var (path, query) = RequestTarget.Of(Context);
            if (!QueryStringHash.Matches(qsh, Request.Method, path, query, appBaseUrl.Path))
            {
                return Fail(issuer, "qsh does not match the request");
            }
        }

        Context.Features.Set(new TenantFeature(tenant));
        var identity = new ClaimsIdentity([new Claim(ClientKeyClaim, tenant.ClientKey)], SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var reason = Context.Items[FailureItem] as string ?? "a Connect JWT is required";
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "JWT";
        await Response.WriteAsJsonAsync(new { error = "unauthorized", reason }, Context.RequestAborted);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        return Task.CompletedTask;
    }

    private AuthenticateResult Fail(string? clientKey, string reason)
    {
        Context.Items[FailureItem] = reason;
        Logger.LogWarning("Rejected a Jira call to {Method} {Path} from {ClientKey}: {Reason}",
            Request.Method, Request.Path, clientKey ?? "(unknown)", reason);
        return AuthenticateResult.Fail(reason);
    }

    private static string? ReadToken(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith("JWT ", StringComparison.OrdinalIgnoreCase))
        {
            return header[4..].Trim();
        }

        var fromQuery = request.Query["jwt"];
        return fromQuery.Count == 1 ? fromQuery[0] : null;
    }
}

/// <summary>The tenant an authenticated Jira call came from.</summary>
public sealed record TenantFeature(Tenant Tenant);

public static class TenantHttpContextExtensions
{
    /// <summary>The authenticated tenant; only on endpoints that require the Connect JWT scheme.</summary>
    public static Tenant GetTenant(this HttpContext context)
        => context.Features.Get<TenantFeature>()?.Tenant
           ?? throw new InvalidOperationException("This endpoint does not require the Connect JWT scheme.");
}
