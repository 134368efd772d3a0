import Foundation
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
