using System.Diagnostics;
using System.Globalization;
using DevOpsProvider.SyncBench;

// Full and delta sync of N components to one emulator site, app and emulator in this process.
// Usage: dotnet run -c Release --project bench/DevOpsProvider.SyncBench [-- 10000 100000]
var sizes = args.Length > 0 ? args.Select(a => int.Parse(a, CultureInfo.InvariantCulture)).ToArray() : [10_000, 100_000];
var rows = new List<BenchRow>();
await using (var bench = await SyncBench.StartAsync())
{
    foreach (var size in sizes)
    {
        rows.AddRange(await bench.RunSizeAsync(size));
    }
}

Console.WriteLine();
Console.WriteLine($"Machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}; app, emulator and PostgreSQL client in one process.");
Console.WriteLine($"Peak working set of the process (VmHWM, app + emulator holding every component): {ProcessStats.PeakWorkingSetMiB():F0} MiB");
Console.WriteLine();
Console.WriteLine("| scenario | components | wall (s) | components/s | requests (minimum) | bytes sent | CPU (s) | CPU ms / 1,000 | wall ms / 1,000 |");
Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
foreach (var row in rows)
{
    Console.WriteLine(row.ToMarkdown());
}

/// <summary>Process-wide figures from the kernel and the runtime.</summary>
internal static class ProcessStats
{
    public static double PeakWorkingSetMiB()
    {
        // VmHWM: the resident set's high-water mark, in kB.
        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return line is null ? double.NaN : double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
    }

    public static TimeSpan Cpu() => Process.GetCurrentProcess().TotalProcessorTime;
}
