using DevOpsProvider.Web.Api;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace DevOpsProvider.Web.Dashboard;

/// <summary>
/// The dashboard's import form takes what the import API takes: bodies up to Api:MaxRequestBytes, larger ones 413.
/// The body is read here, before the page: the antiforgery check reads the form first and would report a body cut
/// off at the limit as a bad token (400), hiding the real reason from the operator.
/// </summary>
public static class UploadLimit
{
    public static WebApplication UseDashboardUploadLimit(this WebApplication app)
    {
        app.UseWhen(
            c => HttpMethods.IsPost(c.Request.Method) && c.Request.Path.Equals("/catalog", StringComparison.OrdinalIgnoreCase),
            upload => upload.Use(LimitAsync));
        return app;
    }

    private static async Task LimitAsync(HttpContext context, RequestDelegate next)
    {
        var limit = context.RequestServices.GetRequiredService<IOptions<ApiOptions>>().Value.MaxRequestBytes;
        if (context.Request.ContentLength > limit)
        {
            await TooLargeAsync(context, limit);
            return;
        }

        var feature = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (feature is { IsReadOnly: false })
        {
            feature.MaxRequestBodySize = limit;
        }

        // Buffered in memory up to 30 KB, then in a temporary file: the form reader would buffer the file the same way.
        context.Request.EnableBuffering();
        try
        {
            await context.Request.Body.CopyToAsync(Stream.Null, context.RequestAborted);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            await TooLargeAsync(context, limit);
            return;
        }

        context.Request.Body.Position = 0;
        await next(context);
    }

    /// <summary>A plain page (the layout needs the page model): what was refused, why, and the way back.</summary>
    private static Task TooLargeAsync(HttpContext context, long limit)
    {
        context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
        context.Response.ContentType = "text/html; charset=utf-8";
        return context.Response.WriteAsync(
            "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Import refused</title>" +
            "<link rel=\"stylesheet\" href=\"/assets/site.css\"></head><body><main>" +
            $"<p class=\"card error\" role=\"alert\">Import refused: the upload is larger than {limit} bytes (Api:MaxRequestBytes). " +
            "Split the file, or ask the administrator to raise the limit.</p>" +
            "<p><a href=\"/catalog\">Back to the catalog</a></p></main></body></html>",
            context.RequestAborted);
    }
}
