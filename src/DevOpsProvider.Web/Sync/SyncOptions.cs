using System.ComponentModel.DataAnnotations;

namespace DevOpsProvider.Web.Sync;

/// <summary>Sync settings (section "Sync"); every default suits production.</summary>
public sealed class SyncOptions
{
    public const string Section = "Sync";

    /// <summary>One run per site per burst of catalog changes, this long after the first change.</summary>
    [Range(0, 3600)]
    public double DebounceSeconds { get; set; } = 5;

    /// <summary>The safety-net run of every active site (whole minutes; at least one).</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Byte budget of one bulk request body (Jira refuses large bodies with 413).</summary>
    [Range(4 * 1024, 64 * 1024 * 1024)]
    public int MaxBatchBytes { get; set; } = 1024 * 1024;

    /// <summary>Components per bulk request; Jira's limit is 1000.</summary>
    [Range(1, 1000)]
    public int MaxBatchSize { get; set; } = 1000;

    /// <summary>Retries of one request after 429, 5xx, timeouts and dropped connections.</summary>
    [Range(0, 50)]
    public int MaxRetries { get; set; } = 8;

    /// <summary>First backoff delay; doubles per retry, with jitter.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>No single wait (backoff, Retry-After or X-RateLimit-Reset) is longer than this.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>One attempt of one request; a slower answer counts as a timeout and is retried.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// After a failed run (Jira unreachable, or failing past Sync:MaxRetries), the site's next run comes this long
    /// after; the wait doubles with each failure in a row, up to Sync:FailureRetryMaxDelay.
    /// </summary>
    public TimeSpan FailureRetryBaseDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The longest wait between a failed run and its retry.</summary>
    public TimeSpan FailureRetryMaxDelay { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// A site with a run waiting in the queue gets no second one (the waiting run covers every trigger); a run
    /// waiting longer than this counts as lost and another may be queued.
    /// </summary>
    public TimeSpan QueuedRunTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Runs kept per site in sync_runs.</summary>
    [Range(1, 100_000)]
    public int RunHistoryPerSite { get; set; } = 200;

    /// <summary>Hangfire worker threads of this instance.</summary>
    [Range(1, 100)]
    public int Workers { get; set; } = 4;

    /// <summary>How often idle Hangfire workers look for jobs (LISTEN/NOTIFY wakes them sooner).</summary>
    public TimeSpan QueuePollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Whether this instance runs a Hangfire server (an instance can serve only HTTP).</summary>
    public bool RunServer { get; set; } = true;
}

/// <summary>Settings of the Jira API (section "Jira").</summary>
public sealed class JiraOptions
{
    public const string Section = "Jira";

    /// <summary>Wire form: "seed" (components, /{id}) or "current" (devopsComponents, /devopscomponents/{id}).</summary>
    [Required]
    [RegularExpression("^(seed|current)$", ErrorMessage = "Jira:ComponentsApi must be 'seed' or 'current'.")]
    public string ComponentsApi { get; set; } = "seed";

    /// <summary>providerMetadata.product on every submission.</summary>
    [StringLength(255)]
    public string Product { get; set; } = "DevOps Component Provider";
}
