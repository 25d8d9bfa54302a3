using HangfireLevel = Hangfire.Logging.LogLevel;

namespace DevOpsProvider.Web.Sync;

/// <summary>
/// Hangfire's log output into the app's logging. Hangfire keeps its log provider in a static, shared by every app
/// in the process (tests and benchmarks run several); one that outlives its app's disposed logger factory must go
/// quiet rather than fail whatever Hangfire call in another app happens to log.
/// </summary>
public sealed class HangfireLogBridge(ILoggerFactory factory) : Hangfire.Logging.ILogProvider
{
    public Hangfire.Logging.ILog GetLogger(string name) => new BridgedLog(factory, name);

    private sealed class BridgedLog(ILoggerFactory factory, string name) : Hangfire.Logging.ILog
    {
        public bool Log(HangfireLevel logLevel, Func<string>? messageFunc, Exception? exception = null)
        {
            ILogger logger;
            try
            {
                logger = factory.CreateLogger(name);
            }
            catch (ObjectDisposedException)
            {
                return false;
            }

            var level = logLevel switch
            {
                HangfireLevel.Trace => LogLevel.Trace,
                HangfireLevel.Debug => LogLevel.Debug,
                HangfireLevel.Info => LogLevel.Information,
                HangfireLevel.Warn => LogLevel.Warning,
                HangfireLevel.Error => LogLevel.Error,
                _ => LogLevel.Critical,
            };
            if (messageFunc is null)
            {
                return logger.IsEnabled(level);
            }

            if (logger.IsEnabled(level))
            {
                logger.Log(level, exception, "{HangfireMessage}", messageFunc());
            }

            return true;
        }
    }
}
