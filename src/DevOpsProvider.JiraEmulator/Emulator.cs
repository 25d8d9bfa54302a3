using System.Collections.Concurrent;

namespace DevOpsProvider.JiraEmulator;

/// <summary>
/// The emulator's whole in-memory state: its sites, the request log, the install key and the HTTP client it calls
/// apps with. One instance per running emulator; every part is safe to use from concurrent requests.
/// </summary>
internal sealed class Emulator : IDisposable
{
    private readonly ConcurrentDictionary<string, EmulatorSite> _byClientKey = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, EmulatorSite> _byName = new(StringComparer.Ordinal);
    private int _siteSequence;
    private string? _baseUrl;

    public Emulator(EmulatorOptions options, TimeProvider time)
    {
        options.Validate();
        Options = options;
        Time = time;
        Http = new HttpClient(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            PooledConnectionLifetime = TimeSpan.FromMinutes(1),
        })
        { Timeout = TimeSpan.FromSeconds(30) };
    }

    public EmulatorOptions Options { get; }

    public TimeProvider Time { get; }

    public HttpClient Http { get; }

    public InstallKey InstallKey { get; } = new();

    public RequestLog Log { get; } = new();

    /// <summary>Where the app reaches the emulator; known once the server listens.</summary>
    public string BaseUrl => _baseUrl ?? throw new InvalidOperationException("The emulator is not listening yet.");

    public void SetBaseUrl(IEnumerable<string> listeningAddresses)
    {
        if (!string.IsNullOrWhiteSpace(Options.PublicUrl))
        {
            _baseUrl = Options.PublicUrl.TrimEnd('/');
            return;
        }

        var address = listeningAddresses.FirstOrDefault(a => a.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
            ?? listeningAddresses.First();
        // Kestrel reports wildcard bindings literally; the app needs a host it can call back.
        _baseUrl = address.Replace("://[::]", "://127.0.0.1", StringComparison.Ordinal)
            .Replace("://0.0.0.0", "://127.0.0.1", StringComparison.Ordinal)
            .Replace("://+", "://127.0.0.1", StringComparison.Ordinal)
            .Replace("://*", "://127.0.0.1", StringComparison.Ordinal)
            .TrimEnd('/');
    }

    public IReadOnlyList<EmulatorSite> Sites => [.. _byClientKey.Values.OrderBy(s => s.Sequence)];

    public EmulatorSite? FindSite(string clientKey) => _byClientKey.GetValueOrDefault(clientKey);

    public EmulatorSite? FindSiteByName(string name) => _byName.GetValueOrDefault(name);

    /// <summary>Site names never repeat within one emulator run, so an app never mistakes a new site for an old one.</summary>
    public int NextSiteSequence() => Interlocked.Increment(ref _siteSequence);

    public void Add(EmulatorSite site)
    {
        _byName[site.Name] = site;
        _byClientKey[site.ClientKey] = site;
    }

    public void Remove(EmulatorSite site)
    {
        _byClientKey.TryRemove(new KeyValuePair<string, EmulatorSite>(site.ClientKey, site));
        _byName.TryRemove(new KeyValuePair<string, EmulatorSite>(site.Name, site));
    }

    public void Reset()
    {
        _byClientKey.Clear();
        _byName.Clear();
        Log.Clear();
    }

    public void Dispose()
    {
        Http.Dispose();
        InstallKey.Dispose();
    }
}
