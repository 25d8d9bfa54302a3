namespace DevOpsProvider.Web.Sync;

/// <summary>
/// Counts every attempt of a Jira request by operation and status (SyncMetrics). It sits inside the retry handler, next
/// to the wire, so a request answered 429 twice and then 202 counts three times, as Jira saw it.
/// </summary>
public sealed class JiraRequestMetering(SyncMetrics metrics) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var operation = request.Options.TryGetValue(JiraRequest.OperationKey, out var name) ? name : "other";
        try
        {
            var response = await base.SendAsync(request, cancellationToken);
            metrics.JiraRequest(operation, ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture));
            return response;
        }
        catch (OperationCanceledException)
        {
            metrics.JiraRequest(operation, "cancelled");
            throw;
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            metrics.JiraRequest(operation, "error");
            throw;
        }
    }
}
