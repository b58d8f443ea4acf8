#!/usr/bin/env bash
# Generates the uniffi bindings, compiles the Kotlin test with the npm Kotlin compiler
# against Debian's JNA, and runs it on the JVM; checks that the Swift sources declare
# the API (no Swift compiler here).
set -euo pipefail
cd "$(dirname "$0")/.."
KIS_TOOLS=${KIS_TOOLS:-$HOME/.cache/kis}
K=$KIS_TOOLS/kt/node_modules/kotlin-compiler
[ -x "$K/bin/kotlinc" ] && [ -f /usr/share/java/jna.jar ] || scripts/setup-tools.sh
cargo build --workspace --quiet
scripts/gen-bindings.sh
# The typed Kotlin API (org.kis.api) is generated from the declaration; it must be current.
cargo run -q -p kis-core --example api_schema | python3 kis-ffi/gen_kotlin.py --check
mkdir -p target/kotlin
rm -f target/kotlin/kis-test.jar target/kotlin/rep-flow.jar
"$K/bin/kotlinc" -nowarn target/bindings/kotlin/org/kis/kis_ffi.kt kis-ffi/kotlin/org/kis/api/*.kt \
  kis-ffi/tests/kotlin/Main.kt kis-ffi/tests/kotlin/Scenarios.kt \
  -cp /usr/share/java/jna.jar -d target/kotlin/kis-test.jar 2>&1 | grep -v '^warning' || true
[ -f target/kotlin/kis-test.jar ] || { echo "kotlinc failed" >&2; exit 1; }
java -Djna.library.path="$PWD/target/debug" \
  -cp "target/kotlin/kis-test.jar:/usr/share/java/jna.jar:$K/lib/kotlin-stdlib.jar" \
  MainKt examples/policy.toml

# The sample a mobile developer copies must compile and run against the same bindings.
"$K/bin/kotlinc" -nowarn target/bindings/kotlin/org/kis/kis_ffi.kt kis-ffi/kotlin/org/kis/api/*.kt examples/kotlin/RepFlow.kt \
  -cp /usr/share/java/jna.jar -d target/kotlin/rep-flow.jar 2>&1 | grep -v '^warning' || true
sample_db=$(mktemp -d)/rep-flow.db
java -Djna.library.path="$PWD/target/debug" \
  -cp "target/kotlin/rep-flow.jar:/usr/share/java/jna.jar:$K/lib/kotlin-stdlib.jar" \
  RepFlowKt examples/policy.toml "$sample_db" | tee target/kotlin/rep-flow.log
grep -q "meng's inbox: quote Q-PHONE-1 from li" target/kotlin/rep-flow.log

# Swift: generated (not compiled: no Swift toolchain on this machine); check the API is there.
SW=target/bindings/swift/Kis.swift
for decl in "open class KisEngine" "enum KisError: Swift.Error" "public struct Money" "func addUser(" \
            "func verifyAudit(" "public func validatePolicy(" "typealias Amount = Foundation.Decimal" \
            "typealias Day = Foundation.Date" "func salesReport(" "func captureLead(" "func repHistory(" \
            "func call(" "public func apiSchema(" "detail: String"; do
  grep -q "$decl" "$SW" || { echo "Swift bindings lack: $decl" >&2; exit 1; }
done
echo "swift: Kis.swift declares the API ($(wc -l < "$SW") lines)"
