using System.Net;
using System.Text.Json;

namespace DevOpsProvider.JiraEmulator;

/// <summary>
/// The emulator's own API for tests, scripts and the demo, under /_emulator (loopback callers only). Its routes and
/// shapes are a fixed contract: scripts depend on them (docs/emulator.md).
/// </summary>
internal static class InspectionEndpoints
{
    public sealed record InstallRequest(string? DescriptorUrl);

    public sealed record FaultRequest(string? Kind, int? Count, double? RetryAfterSeconds, double? DelaySeconds, double? RateLimitPerSecond, bool? Down = null);

    public static void MapInspection(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/_emulator").AddEndpointFilter(async (context, next) =>
            IsLoopback(context.HttpContext.Connection.RemoteIpAddress)
                ? await next(context)
                : Results.Json(new { error = "the emulator's inspection API answers loopback callers only" }, statusCode: 403));

        api.MapPost("/sites", InstallAsync);
        api.MapGet("/sites", (Emulator e) => Results.Json(new { sites = e.Sites.Select(Describe) }));
        api.MapGet("/sites/{clientKey}/components", ComponentsAsync);
        foreach (var change in new[] { "uninstall", "disable", "enable", "reinstall" })
        {
            api.MapPost("/sites/{clientKey}/" + change, (string clientKey, Emulator e, AppInstaller i, CancellationToken ct) => ChangeAsync(clientKey, change, e, i, ct));
        }

        api.MapPost("/sites/{clientKey}/faults", (string clientKey, FaultRequest request, Emulator e) => WithSite(e, clientKey, site => SetFault(site, request)));
        api.MapDelete("/sites/{clientKey}/faults", (string clientKey, Emulator e) => WithSite(e, clientKey, site =>
        {
            site.Faults.Clear();
            return Results.NoContent();
        }));
        api.MapPost("/sites/{clientKey}/actions/{action}", CallActionAsync);
        api.MapGet("/requests", (string? clientKey, Emulator e) => Results.Json(new
        {
            requests = e.Log.Snapshot().Where(r => clientKey is null || r.ClientKey == clientKey),
        }));
        api.MapPost("/reset", (Emulator e) =>
        {
            e.Reset();
            return Results.NoContent();
        });
    }

    private static async Task<IResult> InstallAsync(InstallRequest? request, AppInstaller installer, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request?.DescriptorUrl))
        {
            return Results.Json(new { error = "descriptorUrl is required" }, statusCode: 400);
        }

        try
        {
            var site = await installer.InstallAsync(request.DescriptorUrl, ct);
            return Results.Json(new { clientKey = site.ClientKey, baseUrl = site.BaseUrl }, statusCode: 201);
        }
        catch (EmulatorInstallException ex)
        {
            return Refused(ex);
        }
    }

    private static async Task<IResult> ChangeAsync(string clientKey, string change, Emulator emulator, AppInstaller installer, CancellationToken ct)
    {
        if (emulator.FindSite(clientKey) is not { } site)
        {
            return UnknownSite(clientKey);
        }

        try
        {
            var appStatus = change switch
            {
                "uninstall" => await installer.UninstallAsync(site, ct),
                "disable" => await installer.DisableAsync(site, ct),
                "enable" => await installer.EnableAsync(site, ct),
                _ => await ReinstallAsync(installer, site, ct),
            };
            return Results.Json(new { clientKey, state = site.State, appStatus });
        }
        catch (EmulatorInstallException ex)
        {
            return Refused(ex);
        }
        catch (InvalidOperationException ex)
        {
            return Results.Json(new { error = ex.Message }, statusCode: 409);
        }
    }

    private static async Task<int> ReinstallAsync(AppInstaller installer, EmulatorSite site, CancellationToken ct)
    {
        await installer.ReinstallAsync(site, ct);
        return 204;
    }

    private static async Task ComponentsAsync(HttpContext context, string clientKey, Emulator emulator)
    {
        if (emulator.FindSite(clientKey) is not { } site)
        {
            await UnknownSite(clientKey).ExecuteAsync(context);
            return;
        }

        context.Response.ContentType = "application/json";
        await using var writer = new Utf8JsonWriter(context.Response.Body);
        writer.WriteStartObject();
        writer.WriteStartArray("components");
        foreach (var stored in site.Components)
        {
            writer.WriteStartObject();
            foreach (var (field, value) in stored.Component)
            {
                writer.WritePropertyName(field);
                value!.WriteTo(writer);
            }

            writer.WriteStartObject("properties");
            foreach (var (key, value) in stored.Properties)
            {
                writer.WriteString(key, value);
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
            if (writer.BytesPending > 64 * 1024)
            {
                await writer.FlushAsync(context.RequestAborted);
            }
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static async Task<IResult> CallActionAsync(string clientKey, string action, ActionCallRequest request, Emulator emulator, ActionCaller actions, CancellationToken ct)
    {
        if (emulator.FindSite(clientKey) is not { } site)
        {
            return UnknownSite(clientKey);
        }

        try
        {
            var result = await actions.CallAsync(site, action, request, ct);
            return result.Status == 0
                ? Results.Json(new { error = "the app could not be reached", reason = result.Body }, statusCode: 502)
                : Results.Text(result.Body, "application/json", statusCode: result.Status);
        }
        catch (ArgumentException ex)
        {
            return Results.Json(new { error = ex.Message }, statusCode: 400);
        }
    }

    private static IResult SetFault(EmulatorSite site, FaultRequest request)
    {
        try
        {
            if (request.Down is { } down)
            {
                // {"down": true} takes the site down (every call dropped) until {"down": false}; nothing else changes.
                site.Faults.Down = down;
                if (request.Kind is null && request.RateLimitPerSecond is null)
                {
                    return Results.NoContent();
                }
            }

            if (request.Kind is null)
            {
                site.Faults.RateLimitPerSecond = request.RateLimitPerSecond;
                return Results.NoContent();
            }

            if (!Enum.TryParse<FaultKind>(request.Kind, ignoreCase: true, out var kind) || !Enum.IsDefined(kind))
            {
                return Results.Json(new { error = $"kind must be one of {string.Join(", ", Enum.GetNames<FaultKind>())}" }, statusCode: 400);
            }

            site.Faults.FailNext(request.Count ?? 1, kind,
                request.RetryAfterSeconds is { } r ? TimeSpan.FromSeconds(r) : null,
                request.DelaySeconds is { } d ? TimeSpan.FromSeconds(d) : null);
            if (request.RateLimitPerSecond is { } rate)
            {
                site.Faults.RateLimitPerSecond = rate;
            }

            return Results.NoContent();
        }
        catch (ArgumentOutOfRangeException ex)
        {
            return Results.Json(new { error = ex.Message }, statusCode: 400);
        }
    }

    private static object Describe(EmulatorSite site) => new
    {
        clientKey = site.ClientKey,
        baseUrl = site.BaseUrl,
        appKey = site.AppKey,
        state = site.State,
        cloudId = site.CloudId,
        installationId = site.InstallationId,
        scopes = site.App.Scopes.Order(StringComparer.Ordinal),
        componentCount = site.Store.VisibleCount,
    };

    private static IResult WithSite(Emulator emulator, string clientKey, Func<EmulatorSite, IResult> action)
        => emulator.FindSite(clientKey) is { } site ? action(site) : UnknownSite(clientKey);

    private static IResult UnknownSite(string clientKey) => Results.Json(new { error = $"no site has clientKey '{clientKey}'" }, statusCode: 404);

    private static IResult Refused(EmulatorInstallException ex)
        => Results.Json(new { error = "the install did not happen", status = ex.Status, reason = ex.Reason, body = ex.Body }, statusCode: 502);

    private static bool IsLoopback(IPAddress? address)
        => address is not null && IPAddress.IsLoopback(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address);
}
