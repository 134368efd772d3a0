import Testing

@testable import ProcctlCore

@Suite("model rules: names, limits, catalogue, money, quotes, Luhn, durations, sizes")
struct ModelRulesTests {
  @Test(arguments: [
    ("web", true), ("price-calculation", true), ("a1", true), ("A", false), ("1a", false),
    ("-a", false), ("a-", false), ("a_b", false), ("", false),
    (String(repeating: "a", count: 63), true), (String(repeating: "a", count: 64), false),
  ])
  func names(_ name: String, _ valid: Bool) {
    #expect(Name.isValid(name) == valid)
  }

  @Test func nameSuggestion() {
    #expect(
      Name.problem("Price calculation", kind: "name")
        == "invalid name \"Price calculation\": use lowercase letters, digits and \'-\' (e.g. price-calculation)"
    )
    #expect(Name.suggestion(for: "9 Lives!") == "lives")
  }

  @Test(arguments: ["0", "51", "-1", "abc", "", "1.5"])
  func instancesOutOfRange(_ text: String) {
    #expect(throws: CoreError.self) { try Limits.instances(text) }
  }

  @Test func instancesInRange() throws {
    #expect(try Limits.instances("1") == 1)
    #expect(try Limits.instances("50") == 50)
  }

  /// Too many digits for an Int is the range error like 51; a '+' is refused with a hint.
  @Test func instancesHugeOrSigned() {
    #expect(throws: CoreError.invalid("instances must be between 1 and 50, got 99999999999999999999")) {
      try Limits.instances("99999999999999999999")
    }
    #expect(throws: CoreError.invalid("instances must be between 1 and 50, got -99999999999999999999")) {
      try Limits.instances("-99999999999999999999")
    }
    #expect(
      throws: CoreError.invalid(
        "invalid instances \"+3\": give the count from 1 to 50 without a '+'; to add 3 instances use web+3")
    ) { try Limits.instances("+3", relativeHint: "web+3") }
    #expect(throws: CoreError.self) { try Limits.instances("+") }
  }

  @Test func catalogue() throws {
    let c = SizeCatalogue.builtIn
    #expect(c.sizes.map(\.name) == ["hobby", "s1", "s2", "s3", "s4", "s5", "c1", "c2", "c3", "m1", "m2", "m3"])
    #expect(try c.require("S2").monthly == Cents(4000))
    #expect(c.size(named: "hobby")?.cpuDescription == "0.25")
    #expect(c.size(named: "m3")?.memoryDescription == "8 GiB")
    #expect(throws: CoreError.self) { try c.require("xl") }
    // Families keep their ratios: standard 1:2, cpu 1:1, memory 1:4 (GiB per CPU).
    for s in c.sizes {
      let ratio = s.memoryMB * 1000 / 1024 / s.milliCPU
      switch s.family {
      case .standard: #expect(ratio == 2 || s.name == "hobby")
      case .cpu: #expect(ratio == 1)
      case .memory: #expect(ratio == 4)
      }
    }
  }

  @Test func money() {
    #expect(Cents(123_456).description == "$1,234.56")
    #expect(Cents(-500).description == "-$5.00")
    #expect(Cents(500).signedDescription == "+$5.00")
    #expect(BillingPeriod.hourlyDescription(monthly: Cents(2000)) == "$0.0274/h")
    #expect(BillingPeriod.hourlyMillicents(monthly: Cents(500)) == 685)
  }

  func line(_ type: ProcessType, _ action: Quote.Action, _ b: String?, _ a: String?, _ nb: Int, _ na: Int)
    -> Quote.Line
  {
    let c = SizeCatalogue.builtIn
    return Quote.Line(
      app: "demo", process: "p", type: type, command: "x", action: action,
      sizeBefore: b.flatMap(c.size(named:)), sizeAfter: a.flatMap(c.size(named:)),
      instancesBefore: nb, instancesAfter: na)
  }

  @Test func quoteArithmetic() {
    let scaleUp = line(.worker, .scale, "s1", "s1", 2, 5)
    #expect(scaleUp.monthlyBefore == Cents(4000))
    #expect(scaleUp.monthlyAfter == Cents(10000))
    #expect(scaleUp.delta == Cents(6000))
    #expect(scaleUp.raisesCost)
    let down = line(.worker, .resize, "s3", "s1", 3, 3)
    #expect(down.delta == Cents(-18000))
    #expect(!down.raisesCost)
    let cron = line(.cron, .create, nil, "s2", 0, 1)
    #expect(cron.delta == .zero)
    #expect(cron.raisesCost, "a new cron job can be billed while it runs")
    let q = Quote(lines: [scaleUp, down], paymentMethod: "visa-4242")
    #expect(q.delta == Cents(-12000))
    #expect(q.raisesCost)
    #expect(Pricing.cronRunCost(size: SizeCatalogue.builtIn.size(named: "s1")!, seconds: 3600) == Cents(3))
  }

  @Test func luhnAndCardNumbers() throws {
    #expect(PaymentMethod.luhn([4, 2, 4, 2, 4, 2, 4, 2, 4, 2, 4, 2, 4, 2, 4, 2]))
    #expect(!PaymentMethod.luhn([4, 2, 4, 2, 4, 2, 4, 2, 4, 2, 4, 2, 4, 2, 4, 3]))
    #expect(PaymentMethod.looksLikeCardNumber("4242 4242 4242 4242"))
    #expect(PaymentMethod.looksLikeCardNumber("4111-1111-1111-1111"))
    #expect(!PaymentMethod.looksLikeCardNumber("4242 4242 4242 4243"))
    #expect(!PaymentMethod.looksLikeCardNumber("4242"))
    #expect(!PaymentMethod.looksLikeCardNumber("visa-4242"))
    try PaymentMethod.validate("visa-4242")
    try PaymentMethod.validate("cost-center-4711")
    #expect(throws: CoreError.self) { try PaymentMethod.validate("4242424242424242") }
    #expect(throws: CoreError.self) { try PaymentMethod.validate("") }
  }

  @Test(arguments: [
    ("500ms", 500), ("1s", 1000), ("1.5s", 1500), ("2m", 120_000), ("1h30m", 5_400_000), ("10", 10_000),
    ("0", 0),
  ])
  func durations(_ text: String, _ ms: Int) throws {
    #expect(try DurationSpec.parseMs(text, flag: "--x", maxMs: 86_400_000) == ms)
  }

  @Test(arguments: ["", "soon", "-1s", "1x", "s", "1s2"])
  func badDurations(_ text: String) {
    #expect(throws: CoreError.self) { try DurationSpec.parseMs(text, flag: "--x", maxMs: 86_400_000) }
  }

  /// Numbers of any length are out of range, never an overflow trap; bare seconds and units
  /// share the bound (3600 and 1h are both the limit, 3601 and 1h0m1s both past it).
  @Test(arguments: [
    "9223372036854776", "9223372036854775807", "99999999999999999999", "3601", "1h0m1s", "61m",
    "3600001ms", "9223372036854775807ms", "1" + String(repeating: "0", count: 400) + "s", "2d",
  ])
  func durationsPastTheLimit(_ text: String) {
    #expect(throws: CoreError.invalid("invalid --x \"\(text)\": too long; use a duration from 0 to 1h")) {
      try DurationSpec.parseMs(text, flag: "--x", maxMs: 3_600_000)
    }
  }

  @Test func durationLimitIsInclusiveAndSaidInDays() throws {
    #expect(try DurationSpec.parseMs("3600", flag: "--x", maxMs: 3_600_000) == 3_600_000)
    #expect(try DurationSpec.parseMs("1h", flag: "--x", maxMs: 3_600_000) == 3_600_000)
    #expect(try DurationSpec.parseMs("30d", flag: "--x", maxMs: Limits.cronTimeoutMaxMs) == 2_592_000_000)
    #expect(DurationSpec.describeLimit(ms: Limits.cronTimeoutMaxMs) == "30d")
    #expect(DurationSpec.describeLimit(ms: Limits.stopTimeoutMaxMs) == "1h")
    #expect(throws: CoreError.invalid(
      "invalid --x \"soon\": use a duration such as 500ms, 10s or 2m, from 0 to 30d")) {
      try DurationSpec.parseMs("soon", flag: "--x", maxMs: Limits.cronTimeoutMaxMs)
    }
  }

  @Test func durationDescriptions() {
    #expect(DurationSpec.describe(ms: 1000) == "1s")
    #expect(DurationSpec.describe(ms: 90_000) == "1m30s")
    #expect(DurationSpec.describe(ms: 250) == "250ms")
    #expect(DurationSpec.describe(ms: 1500) == "1.5s")
  }

  @Test func byteSizes() throws {
    #expect(try ByteSize.parse("10MiB", flag: "--s") == 10 << 20)
    #expect(try ByteSize.parse("512k", flag: "--s") == 512 << 10)
    #expect(try ByteSize.parse("1GB", flag: "--s") == 1_000_000_000)
    #expect(try ByteSize.parse("4096", flag: "--s") == 4096)
    #expect(throws: CoreError.self) { try ByteSize.parse("ten", flag: "--s") }
    #expect(throws: CoreError.self) { try ByteSize.parse("10XB", flag: "--s") }
    #expect(ByteSize.describe(10 << 20) == "10MiB")
    #expect(ByteSize.describe(1000) == "1000B")
  }

  @Test func environmentAssignments() throws {
    #expect(try EnvAssignment.parse("A=1") == ("A", "1"))
    #expect(try EnvAssignment.parse("URL=a=b") == ("URL", "a=b"))
    #expect(try EnvAssignment.parse("EMPTY=") == ("EMPTY", ""))
    for bad in ["NOEQ", "=v", "1A=x", "A B=x", "A-B=x"] {
      #expect(throws: CoreError.self) { try EnvAssignment.parse(bad) }
    }
  }

  func spec(_ type: ProcessType, instances: Int = 1, schedule: String? = nil) -> ProcessSpec {
    ProcessSpec(
      name: "p", type: type, command: "x", instances: instances, cwd: "/", schedule: schedule,
      createdAt: Timestamp(epochMs: 0), updatedAt: Timestamp(epochMs: 0))
  }

  @Test func processRules() {
    #expect(ProcessRules.problems(spec(.worker)).isEmpty)
    #expect(ProcessRules.problems(spec(.cron, schedule: "@daily")).isEmpty)
    #expect(ProcessRules.problems(spec(.worker, schedule: "@daily")).count == 1)
    #expect(ProcessRules.problems(spec(.cron)).count == 1)
    #expect(ProcessRules.problems(spec(.cron, instances: 2, schedule: "@daily")).count == 1)
    #expect(ProcessRules.problems(spec(.worker, instances: 51)).count == 1)
    var s = spec(.worker)
    s.logFiles = 0
    s.logMaxSize = 10
    #expect(ProcessRules.problems(s).count == 2)
    var d = spec(.worker)
    d.stopTimeoutMs = Limits.stopTimeoutMaxMs + 1
    d.minUptimeMs = -1
    #expect(
      ProcessRules.problems(d) == [
        .invalid("--min-uptime must be between 0 and 1h, got -1ms"),
        .invalid("--stop-timeout must be between 0 and 1h, got 3600.001s"),
      ])
    var c = spec(.cron, schedule: "@daily")
    c.timeoutMs = Limits.cronTimeoutMaxMs
    #expect(ProcessRules.problems(c).isEmpty)
    c.timeoutMs = Limits.cronTimeoutMaxMs + 1000
    #expect(ProcessRules.problems(c) == [.invalid("--timeout must be between 0 and 30d, got 720h1s")])
  }

  @Test func stateRoundTrip() throws {
    var p = spec(.cron, schedule: "*/5 * * * *")
    p.env = ["A": "1", "QUOTE": "say \"hi\"\n"]
    p.timeZone = "Europe/Amsterdam"
    p.concurrency = .replace
    p.timeoutMs = 60_000
    p.catchUp = .once
    p.logMaxSize = 1 << 20
    p.logFiles = 3
    var worker = spec(.worker, instances: 3)
    worker.name = "w"
    let doc = StateDocument(
      revision: 7, paymentMethod: "visa-4242",
      apps: [Application(name: "demo", createdAt: Timestamp(epochMs: 1_700_000_000_123), processes: [p, worker])])
    let back = try StateDocument(jsonBytes: doc.jsonBytes())
    #expect(back == doc)
  }

  @Test func resolveApp() throws {
    let one = StateDocument(apps: [Application(name: "a", createdAt: Timestamp(epochMs: 0))])
    #expect(try one.resolveApp(nil, fromEnvironment: nil) == 0)
    let two = StateDocument(apps: one.apps + [Application(name: "b", createdAt: Timestamp(epochMs: 0))])
    #expect(try two.resolveApp(nil, fromEnvironment: "b") == 1)
    #expect(try two.resolveApp("a", fromEnvironment: "b") == 0)
    #expect(throws: CoreError.self) { try two.resolveApp(nil, fromEnvironment: nil) }
    #expect(throws: CoreError.self) { try two.resolveApp("c", fromEnvironment: nil) }
  }
}
