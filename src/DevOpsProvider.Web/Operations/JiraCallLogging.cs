using DevOpsProvider.Web.Connect;

namespace DevOpsProvider.Web.Operations;

/// <summary>
/// Jira-signed calls (module actions, enabled, disabled) run inside a logging scope naming the site, and each leaves
/// one Debug line: which site called what, and how it ended. The path is logged without its query (a token may ride there).
/// </summary>
public static partial class JiraCallLogging
{
    /// <summary>
    /// An endpoint filter factory for endpoints that require the Connect JWT scheme (the tenant is known by then).
    /// The logger is made once per endpoint at start-up, not on every call.
    /// </summary>
    public static EndpointFilterDelegate Filter(EndpointFilterFactoryContext factory, EndpointFilterDelegate next)
    {
        var logger = factory.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(JiraCallLogging));
        return async invocation =>
        {
            var context = invocation.HttpContext;
            var clientKey = context.GetTenant().ClientKey;
            using (logger.BeginScope(LogScope.ForSite(clientKey)))
            {
                var result = await next(invocation);
                var status = (result as IStatusCodeHttpResult)?.StatusCode ?? context.Response.StatusCode;
                LogCall(logger, context.Request.Method, context.Request.Path, clientKey, status);
                return result;
            }
        };
    }

    // Debug: module actions arrive thousands a second under load, and a line each would cost more than the action.
    // Refusals and failures are logged at Warning and above by the scheme and the endpoints, inside the site's scope.
    [LoggerMessage(Level = LogLevel.Debug, Message = "Jira call {Method} {Path} from site {ClientKey}: {Status}")]
    private static partial void LogCall(ILogger logger, string method, string path, string clientKey, int status);
}
