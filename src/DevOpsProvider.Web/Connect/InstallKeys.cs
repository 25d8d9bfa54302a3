using System.Net.Http.Headers;
using System.Security.Cryptography;
using DevOpsProvider.Connect;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace DevOpsProvider.Web.Connect;

/// <summary>
/// Public keys of signed install callbacks, fetched from Connect:InstallKeysBaseUrl + "/" + kid and cached by kid for
/// Connect:InstallKeyCacheLifetime. Failures are not cached and end as a 401 of the callback.
/// </summary>
public sealed class InstallKeys(IHttpClientFactory httpClients, IOptions<ConnectOptions> options, ILogger<InstallKeys> logger) : IDisposable
{
    private const int MaxKeyBytes = 16 * 1024;
    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = 1_000 });

    public async Task<RSA?> GetAsync(string? kid, CancellationToken cancellationToken)
    {
        if (!SignedInstallToken.IsPlausibleKeyId(kid))
        {
            return null;
        }

        if (_cache.TryGetValue(kid!, out RSA? cached))
        {
            return cached;
        }

        var pem = await FetchAsync(kid!, cancellationToken);
        if (pem is null)
        {
            return null;
        }

        var rsa = RSA.Create();
        try
        {
            rsa.ImportFromPem(pem);
        }
        catch (ArgumentException)
        {
            rsa.Dispose();
            logger.LogWarning("The install key {Kid} is not a PEM public key", kid);
            return null;
        }

        _cache.Set(kid!, rsa, new MemoryCacheEntryOptions
        {
            Size = 1,
            AbsoluteExpirationRelativeToNow = options.Value.InstallKeyCacheLifetime,
        });
        return rsa;
    }

    private async Task<string?> FetchAsync(string kid, CancellationToken cancellationToken)
    {
        // kid was checked to hold no '/', '?' or '%': the URL cannot leave the key server's root.
        var url = options.Value.InstallKeysBaseUrl.TrimEnd('/') + "/" + Uri.EscapeDataString(kid);
        try
        {
            using var http = httpClients.CreateClient(nameof(InstallKeys));
            using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                logger.LogWarning("The install key server answered {Status} for key {Kid}", (int)response.StatusCode, kid);
                return null;
            }

            if (response.Content.Headers.ContentLength > MaxKeyBytes)
            {
                return null;
            }

            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            var buffer = new byte[MaxKeyBytes + 1];
            var total = 0;
            int read;
            while (total < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(total), cancellationToken)) > 0)
            {
                total += read;
            }

            return total > MaxKeyBytes ? null : System.Text.Encoding.UTF8.GetString(buffer, 0, total);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning("The install key server could not be reached for key {Kid}: {Error}", kid, ex.Message);
            return null;
        }
    }

    public void Dispose() => _cache.Dispose();

    public static void Configure(HttpClient client)
    {
        client.Timeout = TimeSpan.FromSeconds(10);
        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("text/plain"));
    }
}
