using System.Globalization;

namespace DevOpsProvider.LoadGen;

/// <summary>
/// CPU seconds (user + system) from /proc/&lt;pid&gt;/stat, for a process and optionally its direct children
/// (PostgreSQL's backends are children of the postmaster). Linux only; elsewhere it reads 0.
/// </summary>
public static class ProcessCpu
{
    private const double TicksPerSecond = 100; // USER_HZ, 100 on every Linux this runs on (getconf CLK_TCK).

    public static double Seconds(int pid, bool withChildren = false)
    {
        if (!OperatingSystem.IsLinux())
        {
            return 0;
        }

        var own = Read(pid);
        var total = own?.Ticks ?? 0;
        if (withChildren)
        {
            // Children that already exited (PostgreSQL backends of closed connections) count in the parent's cutime/cstime.
            total += own?.ReapedChildTicks ?? 0;
            foreach (var dir in Directory.EnumerateDirectories("/proc"))
            {
                if (int.TryParse(Path.GetFileName(dir), out var child) && Read(child) is { Parent: var parent, Ticks: var ticks } && parent == pid)
                {
                    total += ticks;
                }
            }
        }

        return total / TicksPerSecond;
    }

    /// <summary>Peak resident set (VmHWM) in MiB, or 0 when unknown.</summary>
    public static double PeakWorkingSetMiB(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    private static (int Parent, long Ticks, long ReapedChildTicks)? Read(int pid)
    {
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        // The command name (field 2) may hold spaces and parentheses: fields are counted after its closing ')'.
        var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
        var parent = int.Parse(fields[1], CultureInfo.InvariantCulture);
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        var reaped = long.Parse(fields[13], CultureInfo.InvariantCulture) + long.Parse(fields[14], CultureInfo.InvariantCulture);
        return (parent, ticks, reaped);
    }
}
