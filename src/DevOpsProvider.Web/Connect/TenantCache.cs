using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace DevOpsProvider.Web.Connect;

/// <summary>
/// Tenants by clientKey for the hot path of incoming JWT checks. Entries live for Connect:TenantCacheLifetime and are
/// evicted at once by this instance's own installs and lifecycle changes. Bounded, so random issuers cannot grow it.
/// </summary>
public sealed class TenantCache(TenantStore store, IOptions<ConnectOptions> options) : IDisposable
{
    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = 50_000 });

    public async ValueTask<Tenant?> FindAsync(string clientKey, CancellationToken cancellationToken)
    {
        if (_cache.TryGetValue(clientKey, out Tenant? cached))
        {
            return cached;
        }

        var tenant = await store.FindAsync(clientKey, cancellationToken);
        if (tenant is not null)
        {
            _cache.Set(clientKey, tenant, new MemoryCacheEntryOptions
            {
                Size = 1,
                AbsoluteExpirationRelativeToNow = options.Value.TenantCacheLifetime,
            });
        }

        return tenant;
    }

    public void Evict(string clientKey) => _cache.Remove(clientKey);

    public void Dispose() => _cache.Dispose();
}
