using Microsoft.Extensions.Logging.Console;

namespace DevOpsProvider.Web.Operations;

/// <summary>
/// Console log format: one JSON object per line with scopes (ClientKey, RunId, Trigger) outside Development, so a log
/// pipeline can filter by site or run; readable single lines in Development. Logging:Format ("json" or "simple")
/// overrides the default.
/// </summary>
public static class Logging
{
    public const string FormatKey = "Logging:Format";

    // Connect allows the JWT in the query string (?jwt=...), and ASP.NET Core's request lines carry the query: they
    // stay off whatever level an operator sets for Microsoft.AspNetCore, so no token reaches the log. Off entirely
    // (None, not Warning: the category logs nothing above Information): while it is enabled at any level, hosting
    // creates an Activity and a log scope for every request, a cost the action endpoints' hot path does not pay.
    private const string RequestLines = "Microsoft.AspNetCore.Hosting.Diagnostics";

    public static WebApplicationBuilder AddOperationsLogging(this WebApplicationBuilder builder)
    {
        var format = builder.Configuration[FormatKey] ?? (builder.Environment.IsDevelopment() ? "simple" : "json");
        if (format is not ("json" or "simple"))
        {
            throw new InvalidOperationException($"{FormatKey} must be \"json\" or \"simple\" (got \"{format}\").");
        }

        builder.Logging.AddFilter(RequestLines, LogLevel.None);
        builder.Services.Configure<ConsoleLoggerOptions>(o => o.FormatterName = format == "json" ? ConsoleFormatterNames.Json : ConsoleFormatterNames.Simple);
        builder.Services.Configure<JsonConsoleFormatterOptions>(o =>
        {
            o.IncludeScopes = true;
            o.UseUtcTimestamp = true;
            o.TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";
        });
        builder.Services.Configure<SimpleConsoleFormatterOptions>(o =>
        {
            o.IncludeScopes = true;
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss ";
        });
        return builder;
    }
}

/// <summary>
/// A logging scope of named values. JSON console logs write each as a property of the entry; simple logs show
/// "ClientKey=... RunId=...". Values are identifiers only, never secrets or tokens.
/// </summary>
public sealed class LogScope(params KeyValuePair<string, object?>[] values) : IReadOnlyList<KeyValuePair<string, object?>>
{
    public int Count => values.Length;

    public KeyValuePair<string, object?> this[int index] => values[index];

    /// <summary>A sync run of one site.</summary>
    public static LogScope ForRun(string clientKey, long runId, string trigger)
        => new(new("ClientKey", clientKey), new("RunId", runId), new("Trigger", trigger));

    /// <summary>A call from (or work for) one Jira site.</summary>
    public static LogScope ForSite(string clientKey) => new(new KeyValuePair<string, object?>("ClientKey", clientKey));

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, object?>>)values).GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => string.Join(' ', values.Select(v => $"{v.Key}={v.Value}"));
}
