namespace DevOpsProvider.Web.Api;

public sealed class ApiOptions
{
    public const string Section = "Api";

    /// <summary>The keys the provider's systems send as "Authorization: Bearer &lt;key&gt;" (Api:Keys:0, Api:Keys:1, ...).</summary>
    public List<string> Keys { get; set; } = [];

    /// <summary>The largest request body /api accepts (Api:MaxRequestBytes); larger ones get 413.</summary>
    public long MaxRequestBytes { get; set; } = 32L * 1024 * 1024;
}
