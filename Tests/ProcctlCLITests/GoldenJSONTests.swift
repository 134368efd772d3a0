@testable import ProcctlCLI
import ProcctlCore
import Testing

/// Byte-exact `list --json`: its shape is a stable contract (scripts parse it), so a change to
/// the writer must leave these bytes alone. (The state file's bytes: JSONCodecTests.)
@Suite struct GoldenJSONTests {
  @Test func listJSONBytes() {
    var views = ProcessViewJSONTests.views()
    views[1].nextRunAt = "2026-03-29T03:00:00+02:00"
    views[1].running = 0
    let text = String(decoding: ProcessListView(processes: views).jsonDocument(), as: UTF8.self)
    #expect(text == Self.list)
  }

  /// `--json` goes out in chunks as the writer's buffer fills: every chunk size gives the same
  /// document.
  @Test(arguments: [64, 100, 4096])
  func chunkedOutputIsTheSameDocument(chunk: Int) {
    var views = ProcessViewJSONTests.views()
    views[1].nextRunAt = "2026-03-29T03:00:00+02:00"
    views[1].running = 0
    var got: [UInt8] = []
    var w = JSONWriter(chunk: chunk) { got.append(contentsOf: $0) }
    ProcessListView.write(views, to: &w)
    w.finish()
    #expect(String(decoding: got, as: UTF8.self) == Self.list)
  }

  static let list = #"""
{
  "processes": [
    {
      "app": "shop",
      "command": "exec ./server --port \"8080\" /tmp\\x",
      "cpu": 1,
      "createdAt": "2026-12-03T19:19:15.123Z",
      "cwd": "/srv/app",
      "env": {
        "A": "1\n\u0001é",
        "B": "2"
      },
      "hourlyMillicents": 16438,
      "instances": 3,
      "logFiles": 5,
      "logMaxSize": 10485760,
      "memoryMB": 2048,
      "minUptimeMs": 1000,
      "monthlyCents": 12000,
      "name": "web",
      "running": 2,
      "size": "s2",
      "stopTimeoutMs": 10000,
      "type": "worker",
      "updatedAt": "2026-12-03T19:19:15.123Z"
    },
    {
      "app": "shop",
      "catchUp": "once",
      "command": "run",
      "concurrency": "replace",
      "cpu": 0.25,
      "createdAt": "2026-12-03T19:19:15.123Z",
      "cwd": "/",
      "env": {},
      "hourlyMillicents": 685,
      "instances": 1,
      "logFiles": 2,
      "logMaxSize": 1024,
      "memoryMB": 256,
      "monthlyCents": 0,
      "name": "nightly",
      "nextRunAt": "2026-03-29T03:00:00+02:00",
      "running": 0,
      "schedule": "0 3 * * *",
      "size": "hobby",
      "stopTimeoutMs": 10000,
      "timeZone": "Europe/Amsterdam",
      "timeoutMs": 5000,
      "type": "cron",
      "updatedAt": "2026-12-03T19:19:15.123Z"
    },
    {
      "app": "shop",
      "command": "exec ./server --port \"8080\" /tmp\\x",
      "createdAt": "2026-12-03T19:19:15.123Z",
      "cwd": "/srv/app",
      "env": {
        "A": "1\n\u0001é",
        "B": "2"
      },
      "hourlyMillicents": 0,
      "instances": 3,
      "logFiles": 5,
      "logMaxSize": 10485760,
      "minUptimeMs": 1000,
      "monthlyCents": 0,
      "name": "web",
      "size": "s2",
      "stopTimeoutMs": 10000,
      "type": "worker",
      "updatedAt": "2026-12-03T19:19:15.123Z"
    }
  ]
}

"""#
}
