#!/usr/bin/env bash
# Every benchmark of docs/benchmarks.md, in about ten minutes on two cores. Not part of the test command.
# Needs: the .NET SDK, PostgreSQL server binaries (as for the tests), Node.js with npm. Everything runs on 127.0.0.1.
# Output: bench/results/<UTC time>/ (machine.txt, micro.txt, catalog.txt, actions*.txt).
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
out="bench/results/$(date -u +%Y%m%d-%H%M%S)"
mkdir -p "$out"

{
  echo "nproc: $(nproc)"
  grep -m1 'model name' /proc/cpuinfo || true
  grep MemTotal /proc/meminfo
  echo "kernel: $(uname -r)"
  echo "dotnet: $(dotnet --version)  node: $(node --version)  postgres: $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | head -1)"
  echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$out/machine.txt"

for project in bench/DevOpsProvider.Benchmarks bench/DevOpsProvider.BareEndpoint bench/DevOpsProvider.LoadGen bench/DevOpsProvider.SyncBench; do
  dotnet build -c Release --nologo -v quiet "$project"
done
(cd bench/peer-ace && npm ci --no-audit --no-fund --loglevel=error)

loadgen="dotnet bench/DevOpsProvider.LoadGen/bin/Release/net10.0/DevOpsProvider.LoadGen.dll"

# 1. Micro benchmarks (BenchmarkDotNet, short in-process job): about 2 minutes.
dotnet bench/DevOpsProvider.Benchmarks/bin/Release/net10.0/DevOpsProvider.Benchmarks.dll --filter '*' | tee "$out/micro.txt"

# 2. Catalog writes: 5000-component batch and 50,000-row CSV, 3 runs each: about 1 minute.
$loadgen catalog --repeats 3 | tee "$out/catalog.txt"

# 3-5. Action endpoint side by side (bare, app, app with a refused body, ACE peer), 32 connections, 3 rounds,
#      then signed-install latency: about 4 minutes.
$loadgen scenario --targets bare,app-nodb,app,peer --rounds 3 --connections 32 --warmup 4 --duration 8 | tee "$out/actions.txt"

# The same app with Npgsql's per-close session reset off and statements auto-prepared (configuration only).
$loadgen scenario --targets app-nodb,app --rounds 2 --connections 32 --warmup 5 --duration 10 --install-rounds 0 \
  --app-connection-options "No Reset On Close=true;Max Auto Prepare=20" | tee "$out/actions-tuned.txt"

# The app on a durable PostgreSQL (fsync and synchronous commit on, as in production).
$loadgen scenario --targets app --rounds 1 --connections 32 --warmup 5 --duration 10 --install-rounds 0 --durable | tee "$out/actions-durable.txt"

# 6. End-to-end sync against the emulator, the app in its own process: 10,000 and 100,000 components to one site
#    (full, 1% delta, unchanged), then 20 sites of 5,000: about 2 minutes.
dotnet bench/DevOpsProvider.SyncBench/bin/Release/net10.0/DevOpsProvider.SyncBench.dll 10000 100000 20x5000 | tee "$out/sync.txt"

echo "Results in $out"
