/// The pod sizes an operator may choose from: the built-in catalogue, or one read from
/// `sizes.json` in the state directory (same fields as `procctl sizes --json`).
public struct SizeCatalogue: Sendable, Equatable {
  public var sizes: [PodSize]

  public static let defaultSizeName = "s1"

  public init(sizes: [PodSize]) { self.sizes = sizes }

  public static let builtIn = SizeCatalogue(sizes: [
    PodSize(name: "hobby", family: .standard, milliCPU: 250, memoryMB: 256, monthly: Cents(500)),
    PodSize(name: "s1", family: .standard, milliCPU: 500, memoryMB: 1024, monthly: Cents(2000)),
    PodSize(name: "s2", family: .standard, milliCPU: 1000, memoryMB: 2048, monthly: Cents(4000)),
    PodSize(name: "s3", family: .standard, milliCPU: 2000, memoryMB: 4096, monthly: Cents(8000)),
    PodSize(name: "s4", family: .standard, milliCPU: 4000, memoryMB: 8192, monthly: Cents(16000)),
    PodSize(name: "s5", family: .standard, milliCPU: 8000, memoryMB: 16384, monthly: Cents(32000)),
    PodSize(name: "c1", family: .cpu, milliCPU: 1000, memoryMB: 1024, monthly: Cents(1800)),
    PodSize(name: "c2", family: .cpu, milliCPU: 2000, memoryMB: 2048, monthly: Cents(6800)),
    PodSize(name: "c3", family: .cpu, milliCPU: 4000, memoryMB: 4096, monthly: Cents(13500)),
    PodSize(name: "m1", family: .memory, milliCPU: 500, memoryMB: 2048, monthly: Cents(3400)),
    PodSize(name: "m2", family: .memory, milliCPU: 1000, memoryMB: 4096, monthly: Cents(6800)),
    PodSize(name: "m3", family: .memory, milliCPU: 2000, memoryMB: 8192, monthly: Cents(13500)),
  ])

  /// Looks a size up by name, case-insensitively.
  public func size(named name: String) -> PodSize? {
    let n = name.lowercased()
    return sizes.first { $0.name == n }
  }

  /// Like `size(named:)`, but throws the one-line error that lists the allowed names.
  public func require(_ name: String) throws(CoreError) -> PodSize {
    guard let s = size(named: name) else {
      throw .invalid(
        "unknown pod size \"\(name)\": use one of \(sizes.map(\.name).joined(separator: ", ")) (see 'procctl sizes')"
      )
    }
    return s
  }

  /// Checks a catalogue read from a file: non-empty, unique valid names, positive figures.
  public func validated() throws(CoreError) -> SizeCatalogue {
    if sizes.isEmpty { throw .invalid("the catalogue has no sizes") }
    var seen = Set<String>()
    for s in sizes {
      if s.name.isEmpty || !seen.insert(s.name).inserted {
        throw .invalid("size name \"\(s.name)\" is empty or repeated")
      }
      if s.milliCPU <= 0 { throw .invalid("size \(s.name): cpu must be greater than 0") }
      if s.memoryMB <= 0 { throw .invalid("size \(s.name): memoryMB must be greater than 0") }
      if s.monthly.value < 0 { throw .invalid("size \(s.name): monthlyCents must be 0 or more") }
    }
    return self
  }
}
