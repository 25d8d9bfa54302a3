using System.Reflection;

namespace DevOpsProvider.Web.Dashboard;

/// <summary>
/// The dashboard's stylesheet and script, embedded in the assembly and served from /assets with long caching.
/// No CDN at run time, and no inline script: the Content-Security-Policy allows scripts from this origin only.
/// </summary>
public static class DashboardAssets
{
    private static readonly Dictionary<string, (byte[] Content, string ContentType)> Files = Load();

    public static void Map(IEndpointRouteBuilder app)
        => app.MapGet("/assets/{name}", (string name, HttpContext context) =>
        {
            if (!Files.TryGetValue(name, out var file))
            {
                return Results.NotFound();
            }

            context.Response.Headers.CacheControl = "public, max-age=3600";
            return Results.Bytes(file.Content, file.ContentType);
        }).AllowAnonymous();

    private static Dictionary<string, (byte[], string)> Load()
    {
        var assembly = Assembly.GetExecutingAssembly();
        const string prefix = "DevOpsProvider.Web.Dashboard.Assets.";
        var files = new Dictionary<string, (byte[], string)>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var memory = new MemoryStream();
            stream.CopyTo(memory);
            var name = resource[prefix.Length..];
            var type = Path.GetExtension(name) switch
            {
                ".css" => "text/css; charset=utf-8",
                ".js" => "text/javascript; charset=utf-8",
                ".svg" => "image/svg+xml",
                _ => "application/octet-stream",
            };
            files[name] = (memory.ToArray(), type);
        }

        return files;
    }
}
