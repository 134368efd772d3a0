import Foundation

#if canImport(Glibc)
  import Glibc
#endif
import ProcctlTestSupport
import Testing

/// What an instance process gets: environment, working directory, stdin, its own session.
@Suite struct InstanceEnvironmentTests {
  @Test(.timeLimit(.minutes(1)))
  func instancesGetTheirEnvironmentCwdAndOwnSession() async throws {
    let h = SupervisorHarness()
    defer { h.cleanup() }
    let r = h.procctl([
      "create", "--app", "demo", "--name", "envy", "--type", "worker", "--instances", "2",
      "--size", "hobby", "--env", "COLOR=blue", "--env", "PROCCTL_APP=spoofed", "--cwd",
      h.home.path, "--command",
      "{ env; echo CWD=$(pwd); readlink /proc/self/fd/0; cut -d' ' -f6 /proc/$$/stat; echo PID=$$; } > out.$PROCCTL_INSTANCE; sleep 300 # \(h.token)",
      "--yes",
    ])
    #expect(r.exitCode == 0, "\(r)")
    try h.startUp()
    #expect(await h.waitRunning("envy", count: 2))
    let path = h.home.path + "/out.2"
    #expect(await waitUntil { ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").contains("PID=") })
    let out = try String(contentsOfFile: path, encoding: .utf8)
    let lines = Set(out.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) })
    for expected in [
      "PROCCTL_APP=demo", "PROCCTL_PROCESS=envy", "PROCCTL_INSTANCE=2", "PROCCTL_POD_SIZE=hobby",
      "PROCCTL_CPU=0.25", "PROCCTL_MEMORY_MB=256", "COLOR=blue", "CWD=\(h.home.path)", "/dev/null",
    ] {
      #expect(lines.contains(expected), "missing \(expected) in \(out)")
    }
    let pid = try #require(h.instance("envy", 2)?.pid)
    // Its own session (and so its own process group): sid == its pid.
    #expect(lines.contains("\(pid)") && lines.contains("PID=\(pid)"), "\(out)")
  }
}

/// What an instance does not inherit from the supervisor: the signals `up` ignores (SIGPIPE,
/// and whatever its own parent left ignored) are back at their defaults; and its instance
/// marker comes first in its environment (the orphan sweep reads only the first 64 KiB).
@Suite struct InstanceInheritanceTests {
  @Test(.timeLimit(.minutes(1)))
  func ignoredSignalsAreResetAndTheMarkerComesFirst() async throws {
    let h = SupervisorHarness()
    defer { h.cleanup() }
    h.worker("sig", "grep SigIgn /proc/self/status > sig.$PROCCTL_INSTANCE; exec sleep 300", instances: 2)
    // No shell syntax: exec'd directly, so its environment is in the order procctl built it.
    #expect(h.exactWorker("plain", "sleep 3003").exitCode == 0)
    let up = try h.startUp(ignoring: ["HUP", "USR1", "QUIT"])
    #expect(await h.waitRunning("sig", count: 2))
    #expect(await h.waitRunning("plain", count: 1))
    // The supervisor itself runs with them ignored, and SIGPIPE.
    let upStatus = try String(contentsOfFile: "/proc/\(up.processIdentifier)/status", encoding: .utf8)
    let ignored = upStatus.split(separator: "\n").first { $0.hasPrefix("SigIgn:") }
      .flatMap { UInt64($0.dropFirst(7).trimmingCharacters(in: .whitespaces), radix: 16) } ?? 0
    for sig in [SIGHUP, SIGQUIT, SIGUSR1, SIGPIPE] {
      #expect(ignored & (1 << UInt64(sig - 1)) != 0, "signal \(sig) not ignored by up: \(upStatus)")
    }
    for i in 1...2 {
      let path = h.home.path + "/sig.\(i)"
      #expect(await waitUntil { ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").contains("SigIgn") })
      #expect(try String(contentsOfFile: path, encoding: .utf8) == "SigIgn:\t0000000000000000\n")
    }
    let pid = try #require(h.instance("plain", 1)?.pid)
    let environ = try #require(FileManager.default.contents(atPath: "/proc/\(pid)/environ"))
    let entries = environ.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
    #expect(entries.first?.hasPrefix("PROCCTL_INSTANCE_ID=") == true, "\(entries.prefix(2))")
    #expect(entries.last == "PROCCTL_INSTANCE=1", "\(entries.suffix(2))")
    #expect(await h.stopUp(up) == 0)
  }
}

/// A command without shell syntax is exec'd directly (no shell in between); anything the
/// program cannot be exec'd as still runs the way `sh -c` runs it.
@Suite struct DirectExecTests {
  @Test(.timeLimit(.minutes(1)))
  func aSimpleCommandIsTheInstanceProcessItself() async throws {
    let h = SupervisorHarness()
    defer { h.cleanup() }
    let script = h.home.path + "/noshebang"
    // No #! line: execve fails with ENOEXEC and the shell runs it as a script, as sh -c would.
    try "echo ran > \(h.home.path)/marker\nexec sleep 3002\n".write(
      toFile: script, atomically: true, encoding: .utf8)
    chmod(script, 0o755)
    for (name, command) in [("direct", "sleep 3001"), ("script", "./noshebang")] {
      let r = h.exactWorker(name, command)
      #expect(r.exitCode == 0, "\(r)")
    }
    try h.startUp()
    #expect(await h.waitRunning("direct", count: 1))
    let pid = try #require(h.instance("direct", 1)?.pid)
    let cmdline = try #require(FileManager.default.contents(atPath: "/proc/\(pid)/cmdline"))
    #expect(cmdline.split(separator: 0).map { String(decoding: $0, as: UTF8.self) } == ["sleep", "3001"])
    #expect(await waitUntil { FileManager.default.fileExists(atPath: h.home.path + "/marker") })
    #expect(h.instance("script", 1)?.restarts == 0)
  }
}

/// The direct path behaves as `sh -c` would for whoever reads the instance: a missing program
/// gets sh's message and 127, shell syntax still gets a shell, and PWD is exported as sh does.
@Suite struct DirectExecLikeShTests {
  @Test(.timeLimit(.minutes(1)))
  func missingProgramsShellSyntaxAndPWDAreAsUnderSh() async throws {
    let h = SupervisorHarness()
    defer { h.cleanup() }
    let missing = "procctl-no-such-program-\(h.token)"
    for (name, command) in [
      ("direct", "sleep 3011"), ("missing", "\(missing) --flag"),
      ("shell", "sleep 3012; exit 0"), ("envdirect", "env"), ("envsh", "env; sleep 3013"),
    ] {
      let r = h.exactWorker(name, command)
      #expect(r.exitCode == 0, "\(r)")
    }
    try h.startUp()
    #expect(await h.waitRunning("direct", count: 1))
    #expect(await h.waitRunning("shell", count: 1))
    func comm(_ process: String) -> String? {
      guard let pid = h.instance(process, 1)?.pid else { return nil }
      return (try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8))?
        .trimmingCharacters(in: .whitespacesAndNewlines)
    }
    #expect(comm("direct") == "sleep")
    #expect(comm("shell") == "sh")

    func log(_ process: String) -> String {
      (try? String(contentsOfFile: h.home.path + "/logs/demo/\(process).1.log", encoding: .utf8))
        ?? ""
    }
    #expect(await waitUntil { h.instance("missing", 1)?.lastExit == .code(127) })
    #expect(await waitUntil { log("missing").contains(": 1: \(missing): not found") }, "\(log("missing"))")

    let real = try #require(realpath(h.home.path, nil))
    let expected = "PWD=" + String(cString: real)
    free(real)
    func pwdLines(_ process: String) -> Set<String> {
      Set(log(process).split(whereSeparator: { $0 == "\n" || $0 == " " }).filter {
        $0.hasPrefix("PWD=")
      }.map(String.init))
    }
    #expect(await waitUntil { pwdLines("envdirect").contains(expected) && pwdLines("envsh").contains(expected) })
    #expect(pwdLines("envdirect") == [expected], "\(log("envdirect"))")
    #expect(pwdLines("envsh") == [expected], "\(log("envsh"))")
  }
}
