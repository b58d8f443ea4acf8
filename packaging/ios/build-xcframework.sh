#!/usr/bin/env bash
# Builds KisFFI.xcframework (device and simulator static libraries of kis-ffi with
# uniffi's C header and module map) and the Swift sources of the Kis package. Needs
# macOS with Xcode; not available on kis's CI machine.
set -euo pipefail
cd "$(dirname "$0")/../.."
here=packaging/ios
for target in aarch64-apple-ios aarch64-apple-ios-sim x86_64-apple-ios; do
  rustup target add "$target"
  cargo build --release -p kis-ffi --target "$target"
done
scripts/gen-bindings.sh target/aarch64-apple-ios/release/libkis_ffi.a
headers=$(mktemp -d)
cp target/bindings/swift/kis_ffiFFI.h "$headers/"
cp target/bindings/swift/kis_ffiFFI.modulemap "$headers/module.modulemap"
mkdir -p target/ios-sim
lipo -create target/aarch64-apple-ios-sim/release/libkis_ffi.a target/x86_64-apple-ios/release/libkis_ffi.a \
  -output target/ios-sim/libkis_ffi.a
rm -rf "$here/KisFFI.xcframework"
xcodebuild -create-xcframework \
  -library target/aarch64-apple-ios/release/libkis_ffi.a -headers "$headers" \
  -library target/ios-sim/libkis_ffi.a -headers "$headers" \
  -output "$here/KisFFI.xcframework"
mkdir -p "$here/Sources/Kis"
cp target/bindings/swift/Kis.swift kis-ffi/swift/*.swift "$here/Sources/Kis/"
echo "built $here/KisFFI.xcframework and $here/Sources/Kis"
