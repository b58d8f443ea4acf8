#!/usr/bin/env bash
# Generates the uniffi bindings; builds org.kis:kis-jvm with Maven, which runs the Kotlin
# tests (JUnit 5) on the JVM; compiles and runs the samples (RepFlow, the README's block)
# with the npm Kotlin compiler, in process and over HTTP with kis-server; checks the
# Android and iOS packaging and that the Swift sources declare the API (no Swift compiler
# here).
set -euo pipefail
cd "$(dirname "$0")/.."
KIS_TOOLS=${KIS_TOOLS:-$HOME/.cache/kis}
K=$KIS_TOOLS/kt/node_modules/kotlin-compiler
[ -x "$K/bin/kotlinc" ] && [ -f /usr/share/java/jna.jar ] || scripts/setup-tools.sh
cargo build --workspace --quiet --features "${KIS_FEATURES:-kis/postgres,kis-ffi/postgres}"
scripts/gen-bindings.sh
# The typed Kotlin API (org.kis.api) is generated from the declaration; it must be current.
cargo run -q -p kis-core --example api_schema | python3 kis-ffi/gen_kotlin.py --check

# The JVM artifact (#20): org.kis:kis-jvm built with Maven, its JUnit 5 tests run (the
# Kotlin tests of the bindings: packaging/jvm/src/test/kotlin), installed locally, and
# used by coordinates from examples/maven's JUnit 5 tests.
scripts/build-jvm.sh target/debug/libkis_ffi.so

# The samples below compile with the npm Kotlin compiler against the same bindings;
# uniffi's async calls need kotlinx-coroutines, which the Maven build has just fetched.
M2=${MAVEN_REPO:-$HOME/.m2/repository}
CO=$M2/org/jetbrains/kotlinx/kotlinx-coroutines-core-jvm/1.10.2/kotlinx-coroutines-core-jvm-1.10.2.jar
[ -f "$CO" ] || { echo "kotlinx-coroutines is not in $M2 (the kis-jvm build fetches it)" >&2; exit 1; }
CP="/usr/share/java/jna.jar:$CO"
mkdir -p target/kotlin
rm -f target/kotlin/rep-flow.jar target/kotlin/readme.jar

# The sample a mobile developer copies must compile and run against the same bindings.
"$K/bin/kotlinc" -nowarn target/bindings/kotlin/org/kis/kis_ffi.kt kis-ffi/kotlin/org/kis/api/*.kt examples/kotlin/RepFlow.kt \
  -cp "$CP" -d target/kotlin/rep-flow.jar 2>&1 | grep -v '^warning' || true
sample=$(mktemp -d)
for run in first again; do
  java -Djna.library.path="$PWD/target/debug" \
    -cp "target/kotlin/rep-flow.jar:$CP:$K/lib/kotlin-stdlib.jar" \
    RepFlowKt examples/policy.toml "$sample/server.db" "$sample/phone.db" | tee "target/kotlin/rep-flow-$run.log"
done
cp target/kotlin/rep-flow-first.log target/kotlin/rep-flow.log
grep -q "on the phone: quote Q-PHONE-1 is approved" target/kotlin/rep-flow-again.log
grep -q "meng's inbox: quote Q-PHONE-1 from li" target/kotlin/rep-flow.log

# The README's Kotlin block, compiled and run as written (#20): its imports on top, its
# body in a main that provides what an Android app has (filesDir, the policy text).
python3 - README.md > target/kotlin/ReadmeKotlin.kt <<'PY'
import re, sys
text = open(sys.argv[1]).read()
section = text[text.index("## Kotlin: first five minutes"):]
block = re.search(r"```kotlin\n(.*?)```", section, re.S).group(1)
imports = [l for l in block.splitlines() if l.startswith("import ")]
body = [l for l in block.splitlines() if not l.startswith("import ")]
print("\n".join(imports))
print("fun main(args: Array<String>) {")
print("    val filesDir = java.io.File(args[0])")
print("    val policyToml = java.io.File(args[1]).readText()")
print("\n".join("    " + l for l in body))
print("}")
PY
"$K/bin/kotlinc" -nowarn target/bindings/kotlin/org/kis/kis_ffi.kt kis-ffi/kotlin/org/kis/api/*.kt target/kotlin/ReadmeKotlin.kt \
  -cp "$CP" -d target/kotlin/readme.jar 2>&1 | grep -v '^warning' || true
readme_dir=$(mktemp -d)
java -Djna.library.path="$PWD/target/debug" \
  -cp "target/kotlin/readme.jar:$CP:$K/lib/kotlin-stdlib.jar" \
  ReadmeKotlinKt "$readme_dir" examples/policy.toml | tee target/kotlin/readme.log
grep -q "meng: meng may not add users" target/kotlin/readme.log
echo "the README's Kotlin block ran"

# The same phone syncing over HTTP with a kis-server this script starts (#19): tokens
# issued by the admin, the sync messages carried by KisHttp, errors as KisException.
served=$(mktemp -d)
admin_token=$(target/debug/kis-server bootstrap --store "$served/company.db" --policy examples/policy.toml \
  --admin admin --name "Ada Admin")
target/debug/kis-server --store "$served/company.db" --listen 127.0.0.1:0 > "$served/out" 2> "$served/server.log" &
server_pid=$!
trap 'kill "$server_pid" 2>/dev/null || true' EXIT
for _ in $(seq 100); do grep -q listening "$served/out" && break; sleep 0.1; done
url=$(awk '{print $NF}' "$served/out")
for run in first again; do
  java -Djna.library.path="$PWD/target/debug" \
    -cp "target/kotlin/rep-flow.jar:$CP:$K/lib/kotlin-stdlib.jar" \
    RepFlowKt examples/policy.toml "$url" "$served/phone.db" "$admin_token" | tee "target/kotlin/rep-flow-http-$run.log"
done
grep -q "meng's inbox: quote Q-PHONE-1 from li" target/kotlin/rep-flow-http-first.log
grep -q "on the phone: quote Q-PHONE-1 is approved" target/kotlin/rep-flow-http-again.log
grep -q "li may not add users" target/kotlin/rep-flow-http-first.log
kill -TERM "$server_pid"; wait "$server_pid"
echo "RepFlow synced over HTTP with kis-server at $url"

# Android and iOS packaging: checked files (no SDK, NDK or Swift toolchain here).
scripts/check-packaging.sh

# Swift: the typed API (kis-ffi/swift) is generated from the declaration and must be
# current. No Swift compiler runs here: every Swift file is parsed (tree-sitter), and the
# uniffi methods it calls must be declared with the signatures it uses.
SWIFT_SYNTAX=$KIS_TOOLS/swift-syntax-target/release/swift-syntax-check
[ -x "$SWIFT_SYNTAX" ] || scripts/setup-tools.sh
cargo run -q -p kis-core --example api_schema | python3 kis-ffi/gen_swift.py --check
SW=target/bindings/swift/Kis.swift
# tree-sitter's grammar does not know uniffi's `@_documentation(visibility: private)`.
sed 's/^ *@_documentation(visibility: private)$//' "$SW" > target/bindings/swift/Kis.checked.swift
"$SWIFT_SYNTAX" kis-ffi/swift/*.swift target/bindings/swift/Kis.checked.swift
for decl in "open class KisEngine" "open class KisReplica" "enum KisError: Swift.Error" "detail: String" \
            "open func serveSync(actor: String, push: Data)throws  -> Data" "open func receive(reply: Data)throws  -> String" \
            "open func call(entry: String, actor: String, request: String, idempotencyKey: String?)throws  -> String" \
            "open func callAsync(entry: String, actor: String, request: String, idempotencyKey: String?)async throws  -> String" \
            "open func serveSyncAsync(actor: String, push: Data)async throws  -> Data" \
            "open func snapshotAsync(actor: String)async throws  -> Data" "open func receiveAsync(reply: Data)async throws  -> String" \
            "open func bootstrapAdmin(id: String, name: String)throws  -> String" \
            "open func today() -> String" "open func policyInForce(date: String)throws  -> String" \
            "open func auditAnchor(key: Data?)throws  -> String" \
            "open func verifyAuditAgainst(anchor: String, key: Data?)throws  -> String" \
            "public func apiSchema() -> String" "public func validatePolicy(policyToml: String)throws  -> String" \
            "public func raiseProblem(status: UInt16, body: String)throws"; do
  grep -qF "$decl" "$SW" || { echo "Swift bindings lack: $decl" >&2; exit 1; }
done
echo "swift: KisApi.swift ($(wc -l < kis-ffi/swift/KisApi.swift) lines), Json.swift, Engine.swift, Http.swift and Kis.swift parse; KisEngine declares what they call"
