// The kis Android library module (a template: copy packaging/android/kis into an
// Android project and `include(":kis")` it; there is no Android SDK on kis's CI). It
// packages the uniffi Kotlin bindings, the typed API generated from kis-core's
// declaration, and libkis_ffi.so per ABI (built by build-jnilibs.sh) as an AAR.
plugins {
    id("com.android.library")
    id("org.jetbrains.kotlin.android")
    id("maven-publish")
}

android {
    namespace = "org.kis"
    compileSdk = 35
    defaultConfig {
        minSdk = 24
        // Applied to every app that depends on this library: JNA must survive R8.
        consumerProguardFiles("consumer-rules.pro")
    }
    sourceSets["main"].apply {
        // target/bindings/kotlin: scripts/gen-bindings.sh; kis-ffi/kotlin: the typed API.
        java.srcDirs("../../../target/bindings/kotlin", "../../../kis-ffi/kotlin")
        jniLibs.srcDirs("src/main/jniLibs")
    }
    compileOptions {
        sourceCompatibility = JavaVersion.VERSION_17
        targetCompatibility = JavaVersion.VERSION_17
    }
    packaging {
        // Keep the .so files page-aligned and uncompressed (Android 15's 16 KB pages).
        jniLibs.useLegacyPackaging = false
    }
    publishing {
        singleVariant("release") { withSourcesJar() }
    }
}

kotlin { jvmToolchain(17) }

dependencies {
    // The AAR flavour of JNA carries its own libjnidispatch.so per ABI.
    implementation("net.java.dev.jna:jna:5.17.0@aar")
    // uniffi's async calls and KisSuspendApi are suspend funs; Dispatchers.Main on Android.
    implementation("org.jetbrains.kotlinx:kotlinx-coroutines-android:1.10.2")
}

publishing {
    publications {
        register<MavenPublication>("release") {
            groupId = "org.kis"
            artifactId = "kis-android"
            version = "0.1.0"
            afterEvaluate { from(components["release"]) }
        }
    }
}
