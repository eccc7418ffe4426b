#!/usr/bin/env bash
# Synthesizes both stacks into cdk.out, offline (no AWS credentials, no lookups).
#   infra/synth.sh                 Native AOT publish of all six functions (minutes)
#   infra/synth.sh --fast          placeholder bootstrap, no compilation (CI, template review)
#   infra/synth.sh -c functions=ingest   real bundle for Ingest only, placeholders for the rest
# Any other arguments go to `cdk synth`. CDK_CLI selects the CLI package (default aws-cdk@2).
set -euo pipefail
cd "$(dirname "$0")/.."

args=()
if [[ "${1:-}" == "--fast" ]]; then
  shift
  args+=(-c bundling=skip)
fi

export CDK_DISABLE_CLI_TELEMETRY=true
exec npx --yes "${CDK_CLI:-aws-cdk@2}" synth --quiet --no-notices --no-version-reporting "${args[@]}" "$@"
