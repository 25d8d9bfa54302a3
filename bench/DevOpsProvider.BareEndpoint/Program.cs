using System.Buffers;
using DevOpsProvider.Connect;
using DevOpsProvider.Web.Actions;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Caching.Memory;

// The floor for the app's action endpoint: a minimal API doing only the per-request work every Connect app must do
// (JWT from the header, parse, tenant secret from an in-memory cache, HS256 and lifetime, qsh over the raw target,
// the action body parsed and checked) and answering 200. No database, no authentication middleware, no logging.
// The gap between this and the app is the cost of the app's pipeline. The tenant comes from BARE_CLIENT_KEY and
// BARE_SHARED_SECRET; listens where --urls says (127.0.0.1 only in the benchmark).
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
var app = builder.Build();

var clientKey = Environment.GetEnvironmentVariable("BARE_CLIENT_KEY") ?? throw new InvalidOperationException("BARE_CLIENT_KEY is required");
var secret = Environment.GetEnvironmentVariable("BARE_SHARED_SECRET") ?? throw new InvalidOperationException("BARE_SHARED_SECRET is required");
using var tenants = new MemoryCache(new MemoryCacheOptions { SizeLimit = 50_000 });
tenants.Set(clientKey, secret, new MemoryCacheEntryOptions { Size = 1 });
var leeway = TimeSpan.FromSeconds(30);

app.MapGet("/health/live", () => Results.Ok());
app.MapMethods("/actions/on-entity-associated", ["PUT", "POST"], async (HttpContext context) =>
{
    var header = context.Request.Headers.Authorization.ToString();
    var jwt = header.StartsWith("JWT ", StringComparison.OrdinalIgnoreCase) ? ConnectJwt.Read(header[4..].Trim()) : null;
    var issuer = jwt is null ? null : ConnectJwt.GetString(jwt, "iss");
    if (jwt is null || issuer is null || !tenants.TryGetValue(issuer, out string? tenantSecret) || tenantSecret is null
        || !ConnectJwt.VerifyHs256(jwt, tenantSecret, DateTimeOffset.UtcNow, leeway).Succeeded)
    {
        return Results.StatusCode(StatusCodes.Status401Unauthorized);
    }

    var raw = context.Features.Get<IHttpRequestFeature>()!.RawTarget;
    var qm = raw.IndexOf('?', StringComparison.Ordinal);
    var (path, query) = qm < 0 ? (raw, "") : (raw[..qm], raw[qm..]);
    if (ConnectJwt.GetString(jwt, "qsh") is not { } qsh || !QueryStringHash.Matches(qsh, context.Request.Method, path, query, ""))
    {
        return Results.StatusCode(StatusCodes.Status401Unauthorized);
    }

    var reader = context.Request.BodyReader;
    while (true)
    {
        var read = await reader.ReadAsync(context.RequestAborted);
        if (read.Buffer.Length > ActionPayload.MaxBodyBytes)
        {
            return Results.StatusCode(StatusCodes.Status413PayloadTooLarge);
        }

        if (read.IsCompleted)
        {
            var (payload, error) = ActionPayload.Parse(read.Buffer.IsSingleSegment ? read.Buffer.FirstSpan : read.Buffer.ToArray(), "associatedWith", null);
            reader.AdvanceTo(read.Buffer.End);
            return payload is null ? Results.BadRequest(new { error }) : Results.Ok();
        }

        reader.AdvanceTo(read.Buffer.Start, read.Buffer.End);
    }
});

await app.RunAsync();
