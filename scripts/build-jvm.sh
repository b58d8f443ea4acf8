#!/usr/bin/env bash
# Builds the JVM artifact org.kis:kis-jvm (packaging/jvm/pom.xml): the generated Kotlin
# bindings and typed API, compiled by the Kotlin Maven plugin, with libkis_ffi.so inside
# as linux-x86-64/libkis_ffi.so (JNA's resource layout) and JNA as a declared
# dependency; runs its JUnit 5 tests and installs it into the local Maven repository
# (~/.m2, or MAVEN_REPO); then
# runs the JUnit 5 tests of examples/maven, a project that depends on it by coordinates.
#   scripts/build-jvm.sh [path/to/libkis_ffi.so]    (default: a release build)
set -euo pipefail
cd "$(dirname "$0")/.."
lib=${1:-}
if [ -z "$lib" ]; then
  cargo build -q --release -p kis-ffi
  lib=target/release/libkis_ffi.so
fi
scripts/gen-bindings.sh "$lib" >/dev/null
rm -rf target/jvm/native
mkdir -p target/jvm/native/linux-x86-64
cp "$lib" target/jvm/native/linux-x86-64/libkis_ffi.so
repo=()
[ -n "${MAVEN_REPO:-}" ] && repo=(-Dmaven.repo.local="$MAVEN_REPO")
# `install` runs the Kotlin tests of the bindings first (packaging/jvm/src/test/kotlin,
# JUnit 5): the typed API's flows, the shared scenario files, sync, KisSuspendApi.
rm -rf target/jvm/kis-jvm/surefire-reports
mvn -q -B "${repo[@]}" -f packaging/jvm/pom.xml install
tested=$(cat target/jvm/kis-jvm/surefire-reports/*.txt | grep -h "Tests run" | awk -F'[ ,]+' '{r+=$3; f+=$5; e+=$7; s+=$9} END {print r " tests, " f " failures, " e " errors, " s " skipped"}')
echo "kis-jvm's own JUnit tests: $tested"
jar=target/jvm/kis-jvm/kis-jvm-0.1.0.jar
# (Read the listing whole: `unzip | grep -q` can fail on SIGPIPE under pipefail.)
python3 -c 'import sys, zipfile; sys.exit("linux-x86-64/libkis_ffi.so" not in zipfile.ZipFile(sys.argv[1]).namelist())' "$jar" ||
  { echo "the jar lacks the native library" >&2; exit 1; }
echo "org.kis:kis-jvm:0.1.0 installed ($(du -h "$jar" | cut -f1) jar)"
mvn -q -B "${repo[@]}" -f examples/maven/pom.xml test
ran=$(grep -h "Tests run" examples/maven/target/surefire-reports/*.txt)
echo "examples/maven against org.kis:kis-jvm by its coordinates: $ran"
