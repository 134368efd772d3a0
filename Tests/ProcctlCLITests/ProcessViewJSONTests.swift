@testable import ProcctlCLI
import ProcctlCore
import Testing

/// `list --json` is written by hand (ProcessListView+JSONWriter.swift): keys sorted, optional
/// fields left out when they do not apply, every field present.
@Suite struct ProcessViewJSONTests {
  static func views() -> [ProcessView] {
    let t = Timestamp(epochMs: 1_796_325_555_123)
    let worker = ProcessSpec(
      name: "web", type: .worker, command: "exec ./server --port \"8080\" /tmp\\x", size: "s2",
      instances: 3, env: ["B": "2", "A": "1\n\u{1}é"], cwd: "/srv/app", createdAt: t,
      updatedAt: t)
    let cron = ProcessSpec(
      name: "nightly", type: .cron, command: "run", size: "hobby", cwd: "/", schedule: "0 3 * * *",
      timeZone: "Europe/Amsterdam", concurrency: .replace, timeoutMs: 5000, catchUp: .once,
      logMaxSize: 1024, logFiles: 2, createdAt: t, updatedAt: t)
    var w = ProcessView(app: "shop", spec: worker, size: SizeCatalogue.builtIn.size(named: "s2"))
    w.running = 2
    let c = ProcessView(app: "shop", spec: cron, size: SizeCatalogue.builtIn.size(named: "hobby"))
    let unknownSize = ProcessView(app: "shop", spec: worker, size: nil)
    return [w, c, unknownSize]
  }

  @Test func keysSortedAndAbsentOptionalsLeftOut() throws {
    let doc = try JSONParser.parse(ProcessListView(processes: Self.views()).jsonDocument())
    #expect(JSONShape.keysSorted(doc))
    guard case .object(let top) = doc, case .array(let list)? = top["processes"],
      case .object(let worker)? = list.first, case .object(let cron)? = list.dropFirst().first,
      case .object(let unknown)? = list.last
    else {
      Issue.record("unexpected document \(doc)")
      return
    }
    #expect(worker["schedule"] == nil && worker["timeZone"] == nil && worker["catchUp"] == nil)
    #expect(worker["running"] == .int(2) && worker["cpu"] == .int(1))
    #expect(cron["minUptimeMs"] == nil && cron["running"] == nil)
    #expect(cron["timeZone"] == .string("Europe/Amsterdam") && cron["cpu"] == .double(0.25))
    #expect(unknown["cpu"] == nil && unknown["memoryMB"] == nil)
    #expect(worker["env"] == .object(JSONObject([("A", .string("1\n\u{1}é")), ("B", .string("2"))])))
  }

  @Test func emptyListIsOneLine() {
    let text = String(decoding: ProcessListView(processes: []).jsonDocument(), as: UTF8.self)
    #expect(text == "{\n  \"processes\": []\n}\n")
  }

  @Test func writesEveryField() throws {
    // Every optional set: the written object must have one key per stored property, so a field
    // added to ProcessView without adding it to write(to:) fails here.
    var v = Self.views()[1]
    v.cpu = 1
    v.memoryMB = 512
    v.minUptimeMs = 1000
    v.running = 1
    v.nextRunAt = "2026-03-29T03:00:00+02:00"
    var w = JSONWriter()
    v.write(to: &w)
    guard case .object(let o) = try JSONParser.parse(w.document) else {
      Issue.record("not an object")
      return
    }
    #expect(o.count == Mirror(reflecting: v).children.count)
  }
}
