#!/usr/bin/env bash
# Checks what can be checked here of the Android and iOS packaging (#20): no Android SDK,
# NDK or Swift toolchain runs on this machine, so the Gradle module, the consumer R8
# rules, Package.swift and the build scripts are checked files:
#   - they are all present, and the scripts parse;
#   - every JNA class the generated Kotlin bindings use is kept by consumer-rules.pro;
#   - Package.swift lists exactly the Swift sources kis ships;
#   - the Android build aligns the .so to 16 KB pages.
# Needs target/bindings (scripts/gen-bindings.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
for f in packaging/android/kis/build.gradle.kts packaging/android/kis/consumer-rules.pro \
         packaging/android/build-jnilibs.sh packaging/ios/Package.swift packaging/ios/build-xcframework.sh; do
  [ -s "$f" ] || { echo "packaging: $f is missing" >&2; exit 1; }
done
bash -n packaging/android/build-jnilibs.sh packaging/ios/build-xcframework.sh
grep -q 'consumerProguardFiles("consumer-rules.pro")' packaging/android/kis/build.gradle.kts
grep -q 'max-page-size=16384' packaging/android/build-jnilibs.sh
python3 - target/bindings/kotlin/org/kis/kis_ffi.kt packaging/android/kis/consumer-rules.pro \
  packaging/ios/Package.swift kis-ffi/swift <<'PY'
import pathlib, re, sys
kotlin, rules, package, swift_dir = sys.argv[1:]
text = pathlib.Path(kotlin).read_text()
used = set(re.findall(r"\bcom\.sun\.jna(?:\.[A-Za-z_]\w*)+", text))
# `import com.sun.jna.ptr.*` uses the whole package.
used |= {m + ".Any" for m in re.findall(r"import (com\.sun\.jna(?:\.\w+)*)\.\*", text)}
keeps = re.findall(r"^-keep class (\S+)", pathlib.Path(rules).read_text(), re.M)
def pattern(p):
    return re.compile("^" + re.escape(p).replace(r"\*\*", ".*").replace(r"\*", "[^.]*") + "$")
patterns = [pattern(k) for k in keeps]
missing = sorted(c for c in used if not any(p.match(c) for p in patterns))
if not used:
    sys.exit("packaging: the bindings use no JNA class? (is target/bindings current?)")
if missing:
    sys.exit(f"packaging: consumer-rules.pro does not keep {missing}")
listed = set(re.search(r"sources: \[(.*?)\]", pathlib.Path(package).read_text(), re.S).group(1).replace('"', "").replace(" ", "").split(","))
shipped = {p.name for p in pathlib.Path(swift_dir).glob("*.swift")} | {"Kis.swift"}
if listed != shipped:
    sys.exit(f"packaging: Package.swift lists {sorted(listed)}, kis ships {sorted(shipped)}")
print(f"packaging: {len(used)} JNA classes used by the bindings, all kept; Package.swift lists {len(listed)} Swift files")
PY
