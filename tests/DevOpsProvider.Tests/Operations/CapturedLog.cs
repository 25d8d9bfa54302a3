using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DevOpsProvider.Tests.Operations;

/// <summary>One log entry as a sink sees it: message, exception text, and the values of every scope around it.</summary>
public sealed record CapturedEntry(string Category, LogLevel Level, string Message, string State, string? Exception, IReadOnlyDictionary<string, string?> Scope, IReadOnlyList<string> ScopeTexts)
{
    /// <summary>Everything of the entry a log sink could write.</summary>
    public IEnumerable<string> AllText => [Message, State, Exception ?? "", .. ScopeTexts, .. Scope.Values.Select(v => v ?? "")];
}

/// <summary>
/// Every log entry of an app from Information up, with its scopes, as a log pipeline would receive them (the test
/// app otherwise keeps only warnings). <see cref="Register"/> adds it to an app's services.
/// </summary>
public sealed class CapturedLog : ILoggerProvider, ISupportExternalScope
{
    private readonly ConcurrentQueue<CapturedEntry> _entries = new();
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    public IReadOnlyCollection<CapturedEntry> Entries => _entries;

    public void Register(IServiceCollection services)
    {
        services.AddSingleton<ILoggerProvider>(this);
        // Replaces the test app's "warnings and up" rule (the last general rule wins); category rules still apply.
        services.Configure<LoggerFilterOptions>(o => o.Rules.Add(new LoggerFilterRule(null, null, LogLevel.Information, null)));
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
    }

    private sealed class Logger(CapturedLog log, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => log._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Debug; // what reaches it is decided by the filter rules

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = new Dictionary<string, string?>();
            var texts = new List<string>();
            log._scopes.ForEachScope((scope, _) =>
            {
                texts.Add(scope?.ToString() ?? "");
                if (scope is IEnumerable<KeyValuePair<string, object?>> pairs)
                {
                    foreach (var (key, value) in pairs)
                    {
                        values[key] = value?.ToString();
                    }
                }
            }, (object?)null);
            // Structured properties go to a JSON sink one by one, besides the formatted message.
            var stateText = state is IEnumerable<KeyValuePair<string, object?>> properties
                ? string.Join(' ', properties.Select(p => $"{p.Key}={p.Value}"))
                : state?.ToString() ?? "";
            log._entries.Enqueue(new CapturedEntry(category, logLevel, formatter(state, exception), stateText, exception?.ToString(), values, texts));
        }
    }
}
