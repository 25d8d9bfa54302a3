namespace DevOpsProvider.JiraEmulator;

/// <summary>Runs the emulator on its own: dotnet run --project src/DevOpsProvider.JiraEmulator -- --urls http://127.0.0.1:PORT</summary>
public static class Program
{
    public static async Task Main(string[] args)
    {
        await using var app = EmulatorHost.Build(args, options: null, time: null, quiet: false);
        await app.RunAsync();
    }
}
