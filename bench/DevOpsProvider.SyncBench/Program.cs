using System.Globalization;
using DevOpsProvider.SyncBench;

// Full and delta sync against the emulator, the app in its own process (one per scenario).
// Usage: dotnet run -c Release --project bench/DevOpsProvider.SyncBench [-- 10000 100000 20x5000]
//   N       one site, N components: full sync, 1% delta, unchanged
//   SxN     S sites, one catalog of N components, synced at once
var plan = args.Length > 0 ? args : ["10000", "100000", "20x5000"];
var scenarios = new List<Scenario>();
await using (var bench = await SyncBench.StartAsync())
{
    foreach (var item in plan)
    {
        var parts = item.Split('x');
        scenarios.Add(parts.Length == 2
            ? await bench.RunManySitesAsync(int.Parse(parts[0], CultureInfo.InvariantCulture), int.Parse(parts[1], CultureInfo.InvariantCulture))
            : await bench.RunOneSiteAsync(int.Parse(item, CultureInfo.InvariantCulture)));
    }
}

Console.WriteLine();
Console.WriteLine($"Machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}; the app in a child process, emulator and PostgreSQL outside it.");
Console.WriteLine("Wall: first run start to last run end, from the app's run records. CPU: the app process only (user + system).");
Console.WriteLine();
Console.WriteLine("| scenario | components | wall (s) | components/s | requests (minimum) | bytes sent | app CPU (s) | CPU ms / 1,000 | wall ms / 1,000 |");
Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
foreach (var row in scenarios.SelectMany(s => s.Rows))
{
    Console.WriteLine(row.ToMarkdown());
}

Console.WriteLine();
Console.WriteLine("| app process | peak working set (VmHWM, MiB) |");
Console.WriteLine("|---|---:|");
foreach (var scenario in scenarios)
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {scenario.Name} | {scenario.PeakWorkingSetMiB:F0} |"));
}
