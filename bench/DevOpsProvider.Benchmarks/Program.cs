using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

// A short job so the whole suite runs in a few minutes on two cores: in-process (no per-benchmark project build),
// one launch, 3 warm-up and 10 measured iterations of about 250 ms each. Pass BenchmarkDotNet's own arguments
// (--filter '*Qsh*', --list flat, ...) after "--".
var job = Job.Default
    .WithToolchain(InProcessEmitToolchain.Instance)
    .WithLaunchCount(1)
    .WithWarmupCount(3)
    .WithIterationCount(10)
    .WithIterationTime(Perfolizer.Horology.TimeInterval.FromMilliseconds(250))
    .WithId("Short");
var config = DefaultConfig.Instance
    .AddJob(job)
    .AddDiagnoser(MemoryDiagnoser.Default)
    .AddColumn(StatisticColumn.P95)
    .WithOptions(ConfigOptions.JoinSummary);
BenchmarkSwitcher.FromAssembly(typeof(DevOpsProvider.Benchmarks.QshBenchmarks).Assembly).Run(args.Length == 0 ? ["--filter", "*"] : args, config);
