using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace DevOpsProvider.Tests.Infrastructure;

/// <summary>Keeps the app's error log entries in memory, so that a failing test can say what went wrong inside.</summary>
public sealed class ErrorLog : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _entries = new();

    public IReadOnlyCollection<string> Entries => _entries;

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    public override string ToString() => string.Join(Environment.NewLine, _entries.TakeLast(5));

    private sealed class Logger(ErrorLog log, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel) && log._entries.Count < 200)
            {
                log._entries.Enqueue($"{category}: {formatter(state, exception)} {exception}");
            }
        }
    }
}
