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
/// Release builds: libstdc++ linked statically (link/libstdc++.so says why and how); lld with a
/// symbol ordering file that puts the code `up` and the common commands run together at the start
/// of .text (link/gen-order.py makes it; supervisor PSS 5.0-5.5 -> ~3.5 MiB, as the kernel maps
/// the binary 64 KiB at a time); relative relocations packed (DT_RELR: 500 KB of .rela.dyn the
/// loader no longer reads). Paths from this file's, as the linker does not run in the package.
let packageDir = String(#filePath.dropLast("/Package.swift".count))
let releaseLinking: [LinkerSetting] = [
  .unsafeFlags(
    [
      "-L\(packageDir)/link", "-use-ld=lld",
      "-Xlinker", "--symbol-ordering-file=\(packageDir)/link/procctl.order",
      "-Xlinker", "--no-warn-symbol-ordering",
      "-Xlinker", "-z", "-Xlinker", "pack-relative-relocs",
    ], .when(configuration: .release))
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
      dependencies: ["ProcctlCore", "ProcctlStore", "ProcctlSupervisor", "CProcctl"],
      exclude: ["README.md"], swiftSettings: strict),
    .executableTarget(
      name: "procctl", dependencies: ["ProcctlCLI"], swiftSettings: strict,
      linkerSettings: releaseLinking),
    .target(name: "ProcctlTestSupport", path: "Tests/ProcctlTestSupport"),
    .testTarget(name: "ProcctlCoreTests", dependencies: ["ProcctlCore", "ProcctlTestSupport"]),
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
