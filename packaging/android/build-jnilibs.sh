#!/usr/bin/env bash
# Builds libkis_ffi.so for each Android ABI into packaging/android/kis/src/main/jniLibs,
# with cargo-ndk (needs the Android NDK; not available on kis's CI machine).
# The linker flag aligns the ELF segments to 16 KB, which Android 15+ devices with 16 KB
# pages require (and which 4 KB devices accept).
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v cargo-ndk >/dev/null || cargo install cargo-ndk
out=packaging/android/kis/src/main/jniLibs
export RUSTFLAGS="${RUSTFLAGS:-} -C link-arg=-Wl,-z,max-page-size=16384"
for target in aarch64-linux-android armv7-linux-androideabi x86_64-linux-android; do
  rustup target add "$target"
done
cargo ndk -t arm64-v8a -t armeabi-v7a -t x86_64 -o "$out" build --release -p kis-ffi
scripts/gen-bindings.sh "target/aarch64-linux-android/release/libkis_ffi.so"
echo "jniLibs in $out: $(find "$out" -name '*.so' | tr '\n' ' ')"
