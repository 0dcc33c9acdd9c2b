#!/usr/bin/env bash
# Runs the Kafka compatibility tests (test/kafka-compat.test.ts) against another Apache Kafka
# version from Maven Central, on its own ports and data dir, leaving the main local stack alone.
# Usage: deploy/local/kafka-version-test.sh [version]   (default 4.1.2)
set -euo pipefail
version="${1:-4.1.2}"
cd "$(dirname "$0")/../.."
export SLUICE_HOME="$PWD/.sluice/kafka-$version" KAFKA_VERSION="$version"
export SLUICE_KAFKA_PORT="${SLUICE_KAFKA_PORT:-29192}" SLUICE_KAFKA_CONTROLLER_PORT="${SLUICE_KAFKA_CONTROLLER_PORT:-29193}"
trap 'node bin/sluice.mjs stack down kafka' EXIT
node bin/sluice.mjs stack up kafka
KAFKA_BROKERS="127.0.0.1:$SLUICE_KAFKA_PORT" LOG_LEVEL="${LOG_LEVEL:-error}" \
  node --import tsx --test --test-reporter=spec test/kafka-compat.test.ts
