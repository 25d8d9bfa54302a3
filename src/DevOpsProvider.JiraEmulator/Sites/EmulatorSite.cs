namespace DevOpsProvider.JiraEmulator;

/// <summary>One emulated Jira Cloud site with the app installed: its identity, secret, state and stored components.</summary>
public sealed class EmulatorSite
{
    public const string Enabled = "enabled";
    public const string Disabled = "disabled";
    public const string Uninstalled = "uninstalled";

    private volatile string _sharedSecret;
    private volatile string? _pendingSecret;
    private volatile string _state = Enabled;
    private int _inFlight;
    private int _peakInFlight;

    internal EmulatorSite(Emulator emulator, int sequence, AppDescriptor app, string sharedSecret)
    {
        Sequence = sequence;
        Name = "site-" + sequence;
        BasePath = "/sites/" + Name;
        BaseUrl = emulator.BaseUrl + BasePath;
        App = app;
        _sharedSecret = sharedSecret;
        Store = new ComponentStore(emulator.Time, emulator.Options);
        Faults = new SiteFaults(emulator.Time);
        if (emulator.Options.SiteRateLimitPerSecond is { } rate)
        {
            Faults.RateLimitPerSecond = rate;
        }
    }

    public string ClientKey { get; } = Guid.NewGuid().ToString();

    /// <summary>The site's name, the last segment of its context path.</summary>
    public string Name { get; }

    /// <summary>The site's URL: the emulator's URL plus a context path, like a Jira behind a context path.</summary>
    public string BaseUrl { get; }

    public string SharedSecret => _sharedSecret;

    public string AppKey => App.Key;

    /// <summary>"enabled", "disabled" or "uninstalled".</summary>
    public string State => _state;

    public string CloudId { get; } = Guid.NewGuid().ToString();

    public string InstallationId { get; } = "ari:cloud:ecosystem::installation/" + Guid.NewGuid();

    /// <summary>The components Jira would show now (submissions and deletes become visible after the visibility delay).</summary>
    public IReadOnlyCollection<StoredComponent> Components => Store.Visible();

    public StoredComponent? GetComponent(string id) => Store.Get(id);

    public SiteFaults Faults { get; }

    /// <summary>
    /// The most API calls this site has had in progress at once. An app that never runs two syncs of one site at the
    /// same time (and sends one request at a time per run) keeps it at 1.
    /// </summary>
    public int PeakConcurrentCalls => Volatile.Read(ref _peakInFlight);

    /// <summary>API calls of this site in progress now.</summary>
    public int CallsInFlight => Volatile.Read(ref _inFlight);

    /// <summary>Counts a call in; dispose the result when the call has been answered.</summary>
    internal CallInFlight BeginCall()
    {
        var now = Interlocked.Increment(ref _inFlight);
        var peak = Volatile.Read(ref _peakInFlight);
        while (now > peak)
        {
            var seen = Interlocked.CompareExchange(ref _peakInFlight, now, peak);
            if (seen == peak)
            {
                break;
            }

            peak = seen;
        }

        return new CallInFlight(this);
    }

    internal readonly struct CallInFlight : IDisposable
    {
        private readonly EmulatorSite _site;

        public CallInFlight(EmulatorSite site) => _site = site;

        public void Dispose() => Interlocked.Decrement(ref _site._inFlight);
    }

    internal int Sequence { get; }

    internal string BasePath { get; }

    internal AppDescriptor App { get; }

    internal ComponentStore Store { get; }

    internal string ServiceEntitlementNumber { get; } = Random.Shared.NextInt64(1_000_000_000, 9_999_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);

    internal string OauthClientId { get; } = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());

    /// <summary>A rotated secret sent in installed but not yet confirmed by the app; tokens signed with it are accepted meanwhile.</summary>
    internal string? PendingSecret => _pendingSecret;

    internal void BeginRotation(string secret) => _pendingSecret = secret;

    internal void EndRotation(bool accepted)
    {
        if (accepted && _pendingSecret is { } secret)
        {
            _sharedSecret = secret;
        }

        _pendingSecret = null;
    }

    internal void SetState(string state) => _state = state;

    /// <summary>Connect scopes are hierarchical: DELETE implies WRITE, WRITE implies READ (Atlassian's "Scopes for Connect apps").</summary>
    internal bool HasScope(string scope) => App.Scopes.Contains(scope);
}
