namespace DevOpsProvider.JiraEmulator;

/// <summary>How strict and how slow the emulated site is (section "Emulator" when run on its own).</summary>
public sealed class EmulatorOptions
{
    public const string Section = "Emulator";

    /// <summary>Request bodies above this answer 413, as Jira does for oversized submissions (default 2 MiB).</summary>
    public int MaxPayloadBytes { get; set; } = 2 * 1024 * 1024;

    /// <summary>Accepted data becomes visible to GET after this; Jira processes submissions asynchronously.</summary>
    public TimeSpan VisibilityDelay { get; set; } = TimeSpan.Zero;

    /// <summary>Clock skew allowed on the exp of the app's tokens.</summary>
    public TimeSpan JwtLeeway { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The URL the app reaches the emulator at, when it differs from the listening address (a container name, a proxy).
    /// Empty: the first listening address, wildcard hosts replaced by 127.0.0.1.
    /// </summary>
    public string? PublicUrl { get; set; }

    /// <summary>A rate limit every new site starts with (requests per second, see SiteFaults); empty: none.</summary>
    public double? SiteRateLimitPerSecond { get; set; }

    internal void Validate()
    {
        if (MaxPayloadBytes <= 0)
        {
            throw new InvalidOperationException("Emulator:MaxPayloadBytes must be a positive number of bytes.");
        }

        if (VisibilityDelay < TimeSpan.Zero)
        {
            throw new InvalidOperationException("Emulator:VisibilityDelay must not be negative.");
        }

        if (JwtLeeway < TimeSpan.Zero)
        {
            throw new InvalidOperationException("Emulator:JwtLeeway must not be negative.");
        }

        if (SiteRateLimitPerSecond is <= 0 or double.NaN or double.PositiveInfinity)
        {
            throw new InvalidOperationException("Emulator:SiteRateLimitPerSecond must be a positive number of requests per second.");
        }

        if (!string.IsNullOrWhiteSpace(PublicUrl) && !Uri.TryCreate(PublicUrl, UriKind.Absolute, out _))
        {
            throw new InvalidOperationException("Emulator:PublicUrl must be an absolute URL.");
        }
    }
}
