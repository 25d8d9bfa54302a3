using System.Globalization;
using DevOpsProvider.LoadGen;

// scenario: the action endpoint side by side (bare, app, ACE peer) and signed-install latency. Options, all optional:
//   --connections 32 --warmup 3 --duration 10 --rounds 1 --targets bare,app,peer --durable --install-rounds 50
//   --app-connection-options "No Reset On Close=true;Max Auto Prepare=20" (appended to the app's connection string)
// catalog: issue 4's batch upsert and CSV import figures. Option: --repeats 3
string Option(string name, string fallback)
{
    var i = Array.IndexOf(args, "--" + name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
}

int Number(string name, int fallback) => int.Parse(Option(name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);

if (args.Length > 0 && args[0] == "catalog")
{
    return await CatalogBenchmark.RunAsync(Number("repeats", 3));
}

if (args.Length == 0 || args[0] != "scenario")
{
    Console.Error.WriteLine("usage: DevOpsProvider.LoadGen scenario [--connections N] [--warmup S] [--duration S] [--rounds N] [--targets bare,app,peer] [--durable] [--install-rounds N] [--app-connection-options \"...\"]");
    Console.Error.WriteLine("       DevOpsProvider.LoadGen catalog [--repeats N]");
    return 2;
}

var options = new ScenarioOptions(
    Number("connections", 32),
    TimeSpan.FromSeconds(Number("warmup", 3)),
    TimeSpan.FromSeconds(Number("duration", 10)),
    Number("rounds", 1),
    args.Contains("--durable"),
    Option("targets", "bare,app,peer").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
    Number("install-rounds", 50),
    Option("app-connection-options", ""));
return await Scenario.RunAsync(options);
