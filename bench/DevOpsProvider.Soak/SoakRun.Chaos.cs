using System.Diagnostics;
using DevOpsProvider.JiraEmulator;
using DevOpsProvider.Web.Catalog;

namespace DevOpsProvider.Soak;

/// <summary>The fault half of the soak: every step, one random thing goes wrong or changes.</summary>
public sealed partial class SoakRun
{
    private static readonly FaultKind[] Transient =
        [FaultKind.TooManyRequests, FaultKind.ServiceUnavailable, FaultKind.InternalServerError, FaultKind.Slow, FaultKind.DropConnection];

    /// <summary>What the chaos did, by kind of action.</summary>
    public Dictionary<string, int> Chaos { get; } = [];

    public async Task RunFaultsAsync(TimeSpan duration)
    {
        var watch = Stopwatch.StartNew();
        var outages = new Dictionary<EmulatorSite, TimeSpan>();
        var nextRestart = TimeSpan.FromSeconds(40);
        while (watch.Elapsed < duration)
        {
            foreach (var over in outages.Where(o => o.Value <= watch.Elapsed).Select(o => o.Key).ToList())
            {
                over.Faults.Down = false;
                outages.Remove(over);
            }

            if (watch.Elapsed >= nextRestart)
            {
                await RestartSecondAsync();
                nextRestart += TimeSpan.FromSeconds(40);
            }

            var site = _sites[_random.Next(_sites.Count)];
            var roll = _random.NextDouble();
            if (roll < 0.45)
            {
                await ChurnAsync();
            }
            else if (roll < 0.85)
            {
                var kind = Transient[_random.Next(Transient.Length)];
                // Slow answers sometimes outlast the 5 s attempt timeout: abandoned and retried.
                site.Faults.FailNext(_random.Next(1, 6), kind, TimeSpan.FromSeconds(_random.Next(1, 3)), TimeSpan.FromMilliseconds(_random.Next(200, 7000)));
                Count(kind.ToString());
            }
            else if (roll < 0.93 && !outages.ContainsKey(site))
            {
                // Longer than a run's retries last (3 retries, at most 5 s apart): runs fail, then retry on their own.
                site.Faults.Down = true;
                outages[site] = watch.Elapsed + TimeSpan.FromSeconds(_random.Next(5, 25));
                Count("site down");
            }
            else
            {
                site.Faults.RateLimitPerSecond = _random.Next(1, 4);
                Count("rate limit");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(_random.Next(300, 1500)));
        }

        foreach (var site in outages.Keys)
        {
            site.Faults.Down = false;
        }

        Console.WriteLine($"Faults stopped after {watch.Elapsed.TotalSeconds:F0} s: {string.Join(", ", Chaos.OrderBy(c => c.Key).Select(c => $"{c.Key} {c.Value}"))}");
    }

    private async Task ChurnAsync()
    {
        // Changes and new components (ids past the seeded range), and a few deletions.
        var changed = Enumerable.Range(0, _random.Next(1, 40)).Select(_ => Id(_random.Next(0, _components + (_components / 5)))).Distinct().ToList();
        await UpsertAsync(changed);
        var store = _first.Services.GetRequiredService<ComponentStore>();
        for (var i = _random.Next(0, 4); i > 0; i--)
        {
            await store.DeleteAsync(Id(_random.Next(0, _components)));
        }

        Count("catalog churn");
    }

    /// <summary>Stops the second instance (its runs are cut off mid-way and Hangfire hands them on) and starts a new one.</summary>
    private async Task RestartSecondAsync()
    {
        if (_second is not null)
        {
            await _second.StopAsync();
            await _second.DisposeAsync();
        }

        _second = await StartAppAsync();
        Count("instance restart");
    }

    private void Count(string what) => Chaos[what] = Chaos.GetValueOrDefault(what) + 1;
}
