// swift-tools-version:6.0
import PackageDescription

// Layering (each target may depend only on those above it):
//   CProcctl           C shims the OS demands (async-signal-safe spawn, syscalls Glibc lacks)
//   ProcctlCore        model and rules; no files, no processes, no terminal
//   ProcctlStore       the state directory: state file, lock, atomic writes, status file
//   ProcctlSupervisor  spawn, reap, signals, cgroups, logs, scheduler, the run loop
//   ProcctlCLI         argv -> command, help, rendering, the one map from errors to exit codes
//   procctl            main.swift: calls the CLI and exits with what it returns
let strict: [SwiftSetting] = [.unsafeFlags(["-warnings-as-errors"])]
/// Release builds link libstdc++ statically (link/libstdc++.so says why and how); the package's
/// folder, from this file's path, because the linker does not run in it.
let packageDir = String(#filePath.dropLast("/Package.swift".count))
let staticCxxRuntime: [LinkerSetting] = [
  .unsafeFlags(["-L\(packageDir)/link"], .when(configuration: .release))
]

let package = Package(
  name: "procctl",
  products: [
    .executable(name: "procctl", targets: ["procctl"])
  ],
  targets: [
    .target(name: "CProcctl"),
    .target(name: "ProcctlCore", swiftSettings: strict),
    .target(name: "ProcctlStore", dependencies: ["ProcctlCore", "CProcctl"], swiftSettings: strict),
    .target(
      name: "ProcctlSupervisor", dependencies: ["ProcctlCore", "ProcctlStore", "CProcctl"],
      swiftSettings: strict),
    .target(
      name: "ProcctlCLI",
      dependencies: ["ProcctlCore", "ProcctlStore", "ProcctlSupervisor"],
      exclude: ["README.md"], swiftSettings: strict),
    .executableTarget(
      name: "procctl", dependencies: ["ProcctlCLI"], swiftSettings: strict,
      linkerSettings: staticCxxRuntime),
    .target(name: "ProcctlTestSupport", path: "Tests/ProcctlTestSupport"),
    .testTarget(name: "ProcctlCoreTests", dependencies: ["ProcctlCore"]),
    .testTarget(
      name: "ProcctlCLITests", dependencies: ["ProcctlCLI", "ProcctlCore", "ProcctlStore", "ProcctlTestSupport"]),
    .testTarget(
      name: "ProcctlSupervisorTests",
      dependencies: [
        "ProcctlSupervisor", "ProcctlCore", "ProcctlStore", "CProcctl", "ProcctlTestSupport",
      ]),
  ],
  swiftLanguageModes: [.v6]
)
