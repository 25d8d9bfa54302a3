using System.Reflection;
using Microsoft.Extensions.Options;

namespace DevOpsProvider.Web.Connect;

/// <summary>
/// The Connect descriptor: the repository's atlassian-connect.json, embedded in the assembly, with {{baseUrl}} and
/// {{appKey}} filled from configuration at serve time (PROTOCOL.md section 1).
/// </summary>
public sealed class Descriptor(AppBaseUrl baseUrl, IOptions<ConnectOptions> options)
{
    private static readonly string Template = ReadResource("atlassian-connect.json");
    private string? _rendered;

    public string Json => _rendered ??= Template
        .Replace("{{baseUrl}}", JsonEscape(baseUrl.Value), StringComparison.Ordinal)
        .Replace("{{appKey}}", JsonEscape(options.Value.AppKey), StringComparison.Ordinal);

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/atlassian-connect.json", (Descriptor d) => Results.Text(d.Json, "application/json")).AllowAnonymous();
        app.MapGet("/connect/logo.svg", () => Results.Text(Logo, "image/svg+xml")).AllowAnonymous();
        app.MapGet("/connect/docs", (Descriptor d) => Results.Text(Docs, "text/plain")).AllowAnonymous();
    }

    private static string JsonEscape(string value)
        => System.Text.Json.JsonEncodedText.Encode(value).ToString();

    private static string ReadResource(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"Embedded resource {name} is missing.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private const string Logo = """
        <svg xmlns="http://www.w3.org/2000/svg" width="64" height="64" viewBox="0 0 64 64">
          <rect width="64" height="64" rx="12" fill="#0C66E4"/>
          <circle cx="20" cy="22" r="7" fill="#fff"/>
          <circle cx="44" cy="22" r="7" fill="#fff"/>
          <circle cx="32" cy="44" r="7" fill="#fff"/>
          <path d="M20 22 L44 22 L32 44 Z" fill="none" stroke="#fff" stroke-width="3"/>
        </svg>
        """;

    private const string Docs = """
        DevOps Component Provider for Jira

        This app submits your organisation's DevOps components (services, applications, libraries, data pipelines...)
        to Jira through the DevOps Components API and keeps them in step with the provider's catalog.
        Link components to Jira projects in the project's Connection Manager; incidents then show per component.
        """;
}
