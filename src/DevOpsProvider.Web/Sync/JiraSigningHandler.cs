using System.Net.Http.Headers;
using DevOpsProvider.Connect;
using DevOpsProvider.Web.Connect;
using Microsoft.Extensions.Options;

namespace DevOpsProvider.Web.Sync;

/// <summary>
/// Signs every attempt of an app-to-Jira request with a fresh HS256 token (PROTOCOL.md section 4). It sits inside the
/// retry handler, so a request retried after a long Retry-After still carries a token that has not expired.
/// </summary>
public sealed class JiraSigningHandler(IOptions<ConnectOptions> connect, TimeProvider time) : DelegatingHandler
{
    /// <summary>Jira's examples use about three minutes.</summary>
    private static readonly TimeSpan TokenLifetime = TimeSpan.FromMinutes(3);

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (!request.Options.TryGetValue(JiraRequest.TenantKey, out var tenant))
        {
            throw new InvalidOperationException("A Jira request must name its tenant (JiraRequest.TenantKey).");
        }

        var uri = request.RequestUri!;
        // AbsolutePath and Query are the escaped forms that go on the wire: the qsh is over the request as sent.
        var qsh = QueryStringHash.Compute(request.Method.Method, uri.AbsolutePath, uri.Query, tenant.BasePath);
        var token = ConnectJwt.Create(connect.Value.AppKey, tenant.SharedSecret, qsh, time.GetUtcNow(), TokenLifetime);
        request.Headers.Authorization = new AuthenticationHeaderValue("JWT", token);
        if (request.Options.TryGetValue(JiraRequest.CountersKey, out var counters))
        {
            counters.AddRequest(request.Content?.Headers.ContentLength ?? 0);
        }

        return base.SendAsync(request, cancellationToken);
    }
}
