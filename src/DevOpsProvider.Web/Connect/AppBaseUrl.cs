using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace DevOpsProvider.Web.Connect;

/// <summary>
/// The app's public base URL: Connect:BaseUrl, or in Development without it the first address Kestrel listens on.
/// Its path is the "context path" stripped before computing the qsh of incoming requests.
/// </summary>
public sealed class AppBaseUrl(IOptions<ConnectOptions> options, IServer server)
{
    private string? _resolved;
    private string? _path;

    public string Value => _resolved ??= Resolve();

    /// <summary>The path part of the base URL without a trailing slash ("" at the root).</summary>
    /// <remarks>Computed once: every incoming Jira call needs it for its qsh.</remarks>
    public string Path => _path ??= new Uri(Value).AbsolutePath.TrimEnd('/');

    private string Resolve()
    {
        if (!string.IsNullOrWhiteSpace(options.Value.BaseUrl))
        {
            return options.Value.BaseUrl.TrimEnd('/');
        }

        var address = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? throw new InvalidOperationException("Connect:BaseUrl is not set and the server has no address yet.");
        // Kestrel reports wildcard bindings as http://[::]:port or http://0.0.0.0:port; Jira needs a reachable host.
        return address.Replace("://[::]", "://localhost", StringComparison.Ordinal)
            .Replace("://0.0.0.0", "://localhost", StringComparison.Ordinal)
            .Replace("://+", "://localhost", StringComparison.Ordinal)
            .TrimEnd('/');
    }
}
