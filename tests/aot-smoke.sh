#!/usr/bin/env bash
# Publishes the Ingest function with Native AOT and runs the binary once against a local Lambda Runtime API
# (the Benchmarks project's `smoke` command: DynamoDB Local + tables, an SQS stand-in, events/aws/kinesis-event.json),
# failing unless the binary posts a batchItemFailures response.
# Needs clang and zlib1g-dev (Debian: apt-get install -y clang zlib1g-dev), Node.js and Java for the emulators.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
out="$root/artifacts/aot/Ingest"

if ! command -v clang >/dev/null 2>&1; then
  echo "aot-smoke: clang is missing (apt-get install -y clang zlib1g-dev)" >&2
  exit 1
fi

start=$(date +%s)
# Trim/AOT warnings are errors here: a new IL2xxx/IL3xxx warning fails the smoke test.
dotnet publish src/EventPipeline.Ingest -c Release -r linux-x64 -p:PublishAot=true -p:TreatWarningsAsErrors=true -o "$out" -nologo
echo "aot-smoke: published $(du -h "$out/EventPipeline.Ingest" | cut -f1) binary in $(( $(date +%s) - start )) s"

dotnet run -c Release --project tests/EventPipeline.Benchmarks -- smoke --binary "$out/EventPipeline.Ingest"
