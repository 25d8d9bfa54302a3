using System.ComponentModel.DataAnnotations;

namespace DevOpsProvider.Web.Connect;

public sealed class ConnectOptions
{
    public const string Section = "Connect";

    /// <summary>The app's public URL, as Jira reaches it (Connect:BaseUrl). Required outside Development.</summary>
    public string? BaseUrl { get; set; }

    /// <summary>The descriptor's app key (Connect:AppKey).</summary>
    [Required]
    [RegularExpression("^[a-zA-Z0-9-._]{1,64}$", ErrorMessage = "Connect:AppKey must be 1 to 64 letters, digits, '-', '.' or '_'.")]
    public string AppKey { get; set; } = "devops-component-provider";

    /// <summary>Where Atlassian publishes the public keys of signed install callbacks (Connect:InstallKeysBaseUrl).</summary>
    [Required]
    [Url]
    public string InstallKeysBaseUrl { get; set; } = "https://connect-install-keys.atlassian.com";

    /// <summary>Host patterns a tenant's baseUrl must match (Connect:AllowedHosts). Empty: the defaults below.</summary>
    public List<string> AllowedHosts { get; set; } = [];

    /// <summary>How long a fetched install key is trusted (Connect:InstallKeyCacheLifetime).</summary>
    public TimeSpan InstallKeyCacheLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Clock skew allowed on exp of Jira's HS256 tokens (PROTOCOL.md section 3: about 30 s).</summary>
    public TimeSpan JwtLeeway { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Clock skew allowed on exp of signed install tokens ("a small leeway").</summary>
    public TimeSpan InstallLeeway { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a tenant's secret is cached for incoming JWT checks; install and lifecycle changes evict it at once.</summary>
    public TimeSpan TenantCacheLifetime { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>AES-256 key (32 bytes, base64) that encrypts shared secrets at rest. Required outside Development.</summary>
    public string? SecretEncryptionKey { get; set; }

    /// <summary>Older keys still accepted for decryption while rows are re-encrypted with the current one.</summary>
    public List<string> PreviousSecretEncryptionKeys { get; set; } = [];

    public static readonly string[] DefaultAllowedHosts = ["*.atlassian.net", "*.jira.com"];

    public static readonly string[] DevelopmentAllowedHosts = ["localhost", "127.0.0.1"];
}
