import Foundation
import Testing

@testable import ProcctlCore

@Suite("JSON codec")
struct JSONCodecTests {
  let t = Timestamp(epochMs: 1_790_000_000_123)

  func sampleDocument() -> StateDocument {
    var worker = ProcessSpec(
      name: "price-calc", type: .worker, command: "echo \"hi\" \\ there\n\t\u{1}\u{7f}é😀/",
      size: "s2", instances: 3, env: ["B": "two", "A": "1", "EMPTY": "", "Z\"": "\u{1f}"], cwd: "/srv/app",
      createdAt: t, updatedAt: Timestamp(epochMs: t.epochMs + 5))
    worker.minUptimeMs = 250
    worker.logMaxSize = 4096
    worker.logFiles = 2
    worker.restartGeneration = 7
    let cron = ProcessSpec(
      name: "nightly", type: .cron, command: "run-report", size: "hobby", cwd: "/",
      schedule: "0 3 * * *", timeZone: "Europe/Amsterdam", concurrency: .replace,
      timeoutMs: 60_000, catchUp: .once, createdAt: Timestamp(epochMs: -1),
      updatedAt: Timestamp(epochMs: 0))
    return StateDocument(
      revision: 42, paymentMethod: "visa\"4242",
      apps: [
        Application(name: "shop", createdAt: t, processes: [worker, cron]),
        Application(name: "empty", createdAt: t),
      ])
  }

  @Test func roundTripKeepsEveryField() throws {
    let doc = sampleDocument()
    let bytes = doc.jsonBytes()
    let back = try StateDocument(jsonBytes: bytes)
    #expect(back == doc)
    // Writing again gives the same bytes: the format is stable.
    #expect(back.jsonBytes() == bytes)
  }

  @Test func eachProcessIsOneLine() {
    let text = String(decoding: sampleDocument().jsonBytes(), as: UTF8.self)
    let lines = text.split(separator: "\n")
    #expect(lines.filter { $0.contains("\"price-calc\"") }.count == 1)
    #expect(text.hasSuffix("}\n"))
  }

  @Test(arguments: [
    ("{\"schemaVersion\": 1,}", "line 1, column 21"),
    ("{\n  \"schemaVersion\": 1\n  \"apps\": []\n}", "line 3, column 3"),
    ("{\"schemaVersion\": 1, \"apps\": [{\"name\": \"a\"}]}", "missing field \"createdAt\" in apps[0]"),
    ("{\"schemaVersion\": \"1\"}", "expected a whole number"),
    ("", "unexpected end of input"),
    ("{\"apps\": []}", "missing field \"schemaVersion\""),
    ("{\"schemaVersion\": 1} x", "unexpected content after the document"),
    ("{\"schemaVersion\": 1, \"paymentMethod\": \"a\u{1}b\"}", "control character"),
    ("{\"schemaVersion\": 1, \"pay\u{1}\": 1}", "control character"),
    ("{\"schemaVersion\": 01}", "leading zero"),
    ("{\"schemaVersion\": 1.5}", "expected a whole number"),
    ("{\"schemaVersion\": 99999999999999999999}", "expected a whole number"),
  ])
  func errorsSayWhatAndWhere(input: String, expected: String) {
    do {
      _ = try StateDocument(jsonBytes: Array(input.utf8))
      Issue.record("expected an error for \(input)")
    } catch {
      #expect(error.description.contains(expected), "\(error.description)")
    }
  }

  @Test func newerSchemaIsRecognisedWhateverItsShape() {
    let input = "{\"schemaVersion\": 9, \"apps\": \"a different shape\"}"
    do {
      _ = try StateDocument(jsonBytes: Array(input.utf8))
      Issue.record("expected an error")
    } catch {
      guard case .newerSchema(9) = error else {
        Issue.record("got \(error)")
        return
      }
    }
  }

  @Test func unknownMembersAreSkipped() throws {
    let input =
      "{\"schemaVersion\": 1, \"future\": {\"a\": [1, 2.5e3, true, null, \"x\"]}, \"apps\": []}"
    let doc = try StateDocument(jsonBytes: Array(input.utf8))
    #expect(doc.apps.isEmpty)
  }

  @Test func parserHandlesEscapesAndNumbers() throws {
    let v = try JSONParser.parse(#"{"s": "a\"b\\c\/d\u00e9\ud83d\ude00\n", "n": -12, "d": 1.5e2}"#)
    guard case .object(let o) = v else {
      Issue.record("not an object")
      return
    }
    #expect(o["s"] == .string("a\"b\\c/dé😀\n"))
    #expect(o["n"] == .int(-12))
    #expect(o["d"] == .double(150))
  }

  @Test(arguments: ["[1,]", "{\"a\" 1}", "01", "\"\\ud800\"", "tru", "[1 2]", "\"abc"])
  func parserRejectsInvalidJSON(_ input: String) {
    #expect(throws: JSONError.self) { try JSONParser.parse(input) }
  }

  @Test func writerEscapesAndNests() {
    var w = JSONWriter(pretty: false)
    w.beginObject()
    w.member("q", "a\"b\\\n\u{1}")
    w.key("list")
    w.beginArray()
    w.int(-5)
    w.bool(true)
    w.null()
    w.beginObject()
    w.endObject()
    w.endArray()
    w.endObject()
    #expect(String(decoding: w.bytes, as: UTF8.self) == #"{"q":"a\"b\\\n\u0001","list":[-5,true,null,{}]}"#)
  }

  /// The scans go eight bytes at a time: every special byte at every offset of a word, next
  /// to multi-byte UTF-8, must still be escaped on writing and decoded back on reading.
  @Test func specialBytesAtEveryOffsetRoundTrip() throws {
    let specials: [(String, String)] = [
      ("\"", "\\\""), ("\\", "\\\\"), ("\n", "\\n"), ("\u{1}", "\\u0001"), ("\u{1f}", "\\u001f"),
      ("\u{7f}", "\u{7f}"), ("é", "é"), (" ", " "),
    ]
    for len in 0..<20 {
      for at in 0...len {
        for (raw, escaped) in specials {
          let plain = String(repeating: "a", count: len)
          let value = String(plain.prefix(at)) + raw + String(plain.dropFirst(at))
          var w = JSONWriter(pretty: false)
          w.beginObject()
          w.member("k", value)
          w.endObject()
          let text = String(decoding: w.bytes, as: UTF8.self)
          let expected = "{\"k\":\"" + String(plain.prefix(at)) + escaped + String(plain.dropFirst(at)) + "\"}"
          #expect(text == expected)
          #expect(try JSONParser.parse(text) == .object(JSONObject([("k", .string(value))])))
        }
      }
    }
  }

  @Test(arguments: ["\"abcdefghij\u{1}k\"", "\"abcdefgh\tij\"", "{\"abcdefgh\u{0}\": 1}"])
  func rawControlCharactersAreRejectedWherever(_ input: String) {
    #expect(throws: JSONError.self) { try JSONParser.parse(input) }
  }

  @Test func catalogueReadsItsOwnOutput() throws {
    var w = JSONWriter()
    SizeCatalogue.builtIn.write(to: &w)
    let back = try SizeCatalogue(jsonBytes: w.document)
    #expect(back == SizeCatalogue.builtIn)
  }

  /// Byte-exact: the state file is a stable contract (older procctl versions and diffs read it),
  /// so a change to the writer must leave these bytes alone.
  @Test func stateFileBytes() throws {
    let doc = sampleDocument()
    #expect(String(decoding: doc.jsonBytes(), as: UTF8.self) == Self.state)
    #expect(try StateDocument(jsonBytes: Array(Self.state.utf8)) == doc)
  }

  /// The store writes the state as it is encoded, in chunks: the same bytes.
  @Test func chunkedStateWriteIsTheSameDocument() {
    var got: [UInt8] = []
    sampleDocument().writeJSON { got.append(contentsOf: $0) }
    #expect(String(decoding: got, as: UTF8.self) == Self.state)
  }

  static let state = #"""
{
  "schemaVersion": 1,
  "revision": 42,
  "paymentMethod": "visa\"4242",
  "apps": [
    {
      "name": "shop",
      "createdAt": "2026-09-21T14:13:20.123Z",
      "processes": [
        {"name":"price-calc","type":"worker","command":"echo \"hi\" \\ there\n\t\u0001\#u{7f}é😀/","size":"s2","instances":3,"env":{"A":"1","B":"two","EMPTY":"","Z\"":"\u001f"},"cwd":"/srv/app","minUptimeMs":250,"stopTimeoutMs":10000,"logMaxSize":4096,"logFiles":2,"restartGeneration":7,"createdAt":"2026-09-21T14:13:20.123Z","updatedAt":"2026-09-21T14:13:20.128Z"},
        {"name":"nightly","type":"cron","command":"run-report","size":"hobby","instances":1,"env":{},"cwd":"/","schedule":"0 3 * * *","timeZone":"Europe/Amsterdam","minUptimeMs":1000,"stopTimeoutMs":10000,"concurrency":"replace","timeoutMs":60000,"catchUp":"once","restartGeneration":0,"createdAt":"1969-12-31T23:59:59.999Z","updatedAt":"1970-01-01T00:00:00.000Z"}
      ]
    },
    {
      "name": "empty",
      "createdAt": "2026-09-21T14:13:20.123Z",
      "processes": []
    }
  ]
}

"""#
}
