using System.Globalization;
using DevOpsProvider.Soak;

// A multi-site sync under random faults (429, 503, 500, slow, dropped connections, whole-site outages, rate limits),
// catalog churn and app instances restarted, for N minutes; then the faults stop and each site must converge on its own.
// Usage: dotnet run -c Release --project bench/DevOpsProvider.Soak [-- minutes sites components seed]
var minutes = args.Length > 0 ? double.Parse(args[0], CultureInfo.InvariantCulture) : 2;
var sites = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 5;
var components = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 2000;
var seed = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 1;

Console.WriteLine($"Soak: {minutes} min of faults, {sites} sites, {components:N0} components, random seed {seed}");
await using var soak = await SoakRun.StartAsync(sites, components, seed);
await soak.RunFaultsAsync(TimeSpan.FromMinutes(minutes));
var report = await soak.SettleAsync(TimeSpan.FromMinutes(3));
Console.WriteLine();
Console.WriteLine(report.ToMarkdown());
return report.AllConverged ? 0 : 1;
