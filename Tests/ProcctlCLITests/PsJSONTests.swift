@testable import ProcctlCLI
import ProcctlCore
import Testing

/// `ps --json` is written by hand: keys sorted, every field present.
@Suite struct PsJSONTests {
  static func view() -> PsView {
    let t = Timestamp(epochMs: 1_796_325_555_123)
    let now = Timestamp(epochMs: 1_796_325_565_123)
    let running = InstanceStatus(
      app: "shop", process: "web", instance: 1, state: "running", pid: 42, procStartTicks: 7,
      startedAt: t, restarts: 2, lastExit: .signal(9), lastExitAt: t, size: "s1", milliCPU: 500,
      memoryMB: 1024)
    let backoff = InstanceStatus(
      app: "shop", process: "web", instance: 2, state: "backoff", restarts: 5,
      lastExit: .spawnFailed("chdir /x: \"gone\"\n"), lastExitAt: t, nextStartAt: now,
      backoffAttempts: 3, error: "chdir /x", size: "hobby", milliCPU: 250, memoryMB: 256)
    let oom = InstanceStatus(
      app: "shop", process: "web", instance: 3, state: "starting", pid: 43, startedAt: t,
      lastExit: .oomKilled, size: "s1", milliCPU: 500, memoryMB: 1024)
    let pending = InstanceView(
      app: "shop", process: "web", instance: 4, state: "pending", size: "s1", cpu: 0.5,
      memoryMB: 1024)
    var withUse = InstanceView(running, desired: true, now: now)
    withUse.memoryUsedBytes = 3_000_000
    withUse.cpuTimeMs = 1500
    withUse.cpuUsed = 0.125
    return PsView(
      supervisor: SupervisorView(running: true, pid: 9, startedAt: t.description),
      instances: [
        withUse, InstanceView(backoff, desired: true, now: now),
        InstanceView(oom, desired: false, now: now), pending,
      ],
      cronJobs: [
        CronJobView(
          app: "shop", process: "nightly", schedule: "0 3 * * *", timeZone: "UTC",
          nextRunAt: "2026-12-04T03:00:00+00:00", active: true,
          activeRuns: [CronJobStatus.ActiveRun(id: "r1", pid: 5, startedAt: t)], lastRunID: "r0",
          lastOutcome: "succeeded", lastExit: "exit 0")
      ])
  }

  @Test func keysSortedAndExitStatusShapes() throws {
    let doc = try JSONParser.parse(Self.view().jsonDocument())
    #expect(JSONShape.keysSorted(doc))
    guard case .object(let top) = doc, case .array(let list)? = top["instances"],
      case .array(let cron)? = top["cronJobs"], case .object(let job)? = cron.first
    else {
      Issue.record("unexpected document \(doc)")
      return
    }
    let exits = list.map { i -> JSONValue? in
      if case .object(let o) = i { return o["lastExit"] }
      return nil
    }
    #expect(exits[0] == .object(JSONObject([("signal", .int(9))])))
    #expect(exits[1] == .object(JSONObject([("spawnError", .string("chdir /x: \"gone\"\n"))])))
    #expect(exits[2] == .object(JSONObject([("reason", .string("OOMKilled")), ("signal", .int(9))])))
    #expect(exits[3] == nil)
    #expect(
      job["activeRuns"]
        == .array([
          .object(
            JSONObject([
              ("id", .string("r1")), ("pid", .int(5)),
              ("startedAt", .string("2026-12-03T19:19:15.123Z")),
            ]))
        ]))
    #expect(job["lastExit"] == .string("exit 0") && job["active"] == .bool(true))
  }

  @Test func noSupervisorDocument() {
    let none = PsView(supervisor: SupervisorView(running: false), instances: [], cronJobs: [])
    let text = String(decoding: none.jsonDocument(), as: UTF8.self)
    #expect(
      text == """
        {
          "cronJobs": [],
          "instances": [],
          "supervisor": {
            "running": false
          }
        }

        """)
  }

  @Test func writesEveryField() throws {
    var all = Self.view().instances[1]
    all.pid = 1
    all.startedAt = "2026-01-01T00:00:00.000Z"
    all.uptimeMs = 5
    all.memoryUsedBytes = 1 << 20
    all.cpuTimeMs = 12
    all.cpuUsed = 0.25
    all.limitsError = "cgroup not created, running without limits: mkdir: EACCES"
    all.rollout = "demo/web.2 could not start with the new spec"
    let doc = try JSONParser.parse(
      PsView(
        supervisor: SupervisorView(running: true, pid: 1, startedAt: "x"), instances: [all],
        cronJobs: []
      ).jsonDocument())
    guard case .object(let top) = doc, case .array(let list)? = top["instances"],
      case .object(let first)? = list.first
    else {
      Issue.record("unexpected document \(doc)")
      return
    }
    let keys = Set(first.keys)
    for label in Mirror(reflecting: all).children.compactMap(\.label) {
      #expect(keys.contains(label), "instance field \(label) is not written")
    }
  }
}

@Suite struct PsRowsTests {
  /// An instance running without its cgroup shows no use and no limit: nothing is enforced.
  @Test func anInstanceWithoutItsLimitsShowsDashes() {
    let t = Timestamp(epochMs: 1_796_325_555_123)
    var s = InstanceStatus(
      app: "shop", process: "web", instance: 1, state: "running", pid: 42, startedAt: t,
      size: "s1", milliCPU: 500, memoryMB: 1024)
    #expect(PsCommand.memory(InstanceView(s, desired: true, now: t)) == "-/1G")
    s.limitsError = "cgroup not created, running without limits: mkdir: EACCES"
    let r = InstanceView(s, desired: true, now: t)
    #expect(PsCommand.memory(r) == "-" && PsCommand.cpu(r) == "-")
    #expect(r.limitsError == s.limitsError)
    // Without a process it is no longer true of anything running.
    s.pid = nil
    #expect(InstanceView(s, desired: true, now: t).limitsError == nil)
  }

  @Test func desiredInstancesJoinedWithStatusAndStoppingOnesListed() {
    let t = Timestamp(epochMs: 1_796_325_555_123)
    let spec = ProcessSpec(
      name: "web", type: .worker, command: "x", instances: 2, cwd: "/", createdAt: t, updatedAt: t)
    let doc = StateDocument(apps: [Application(name: "shop", createdAt: t, processes: [spec])])
    func inst(_ n: Int, _ state: String) -> InstanceStatus {
      InstanceStatus(
        app: "shop", process: "web", instance: n, state: state, pid: Int32(100 + n), startedAt: t,
        size: "s1", milliCPU: 500, memoryMB: 1024)
    }
    let status = SupervisorStatus(
      pid: 1, procStartTicks: 1, startedAt: t, updatedAt: t, revision: 1, apps: nil,
      instances: [inst(1, "running"), inst(3, "stopping")])
    let rows = PsCommand.rows(
      doc: doc, catalogue: .builtIn, status: status, app: nil, process: nil, now: t)
    #expect(rows.map(\.name) == ["web.1", "web.2", "web.3"])
    #expect(rows.map(\.state) == ["running", "pending", "stopping"])
    #expect(rows.map(\.desired) == [true, true, false])
    let none = PsCommand.rows(
      doc: doc, catalogue: .builtIn, status: nil, app: nil, process: nil, now: t)
    #expect(none.map(\.state) == ["not running", "not running"])
  }

  @Test func aPausedRollingRestartIsSaidOnceUnderTheTable() {
    let t = Timestamp(epochMs: 1_796_325_555_123)
    var rows = (1...3).map { n in
      InstanceView(
        InstanceStatus(
          app: "shop", process: "web", instance: n, state: "running", size: "s1", milliCPU: 500,
          memoryMB: 1024), desired: true, now: t)
    }
    #expect(!PsCommand.table(rows, now: t).contains("paused"))
    for i in rows.indices { rows[i].rollout = "shop/web.1 could not start with the new spec" }
    let lines = PsCommand.table(rows, now: t).split(separator: "\n")
    #expect(lines.count == 5, "\(lines)")
    #expect(
      lines.last
        == "rolling restart of shop/web paused: shop/web.1 could not start with the new spec")
  }
}
