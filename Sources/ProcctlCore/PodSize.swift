/// One entry of the pod-size catalogue: how much CPU and RAM one instance gets, and its price.
public struct PodSize: Hashable, Sendable, Codable {
  public enum Family: String, Sendable, Codable, CaseIterable {
    case standard, cpu = "cpu-optimised", memory = "memory-optimised"
  }

  public var name: String
  public var family: Family
  /// CPU in thousandths of a core (0.25 CPU = 250).
  public var milliCPU: Int
  public var memoryMB: Int
  /// Price per instance per month of 730 hours.
  public var monthly: Cents

  public init(name: String, family: Family, milliCPU: Int, memoryMB: Int, monthly: Cents) {
    self.name = name
    self.family = family
    self.milliCPU = milliCPU
    self.memoryMB = memoryMB
    self.monthly = monthly
  }

  /// "0.25", "1", "2": CPU as operators write it.
  public var cpuDescription: String {
    let whole = milliCPU / 1000
    var frac = milliCPU % 1000
    if frac == 0 { return String(whole) }
    var digits = 3
    while frac % 10 == 0 { frac /= 10; digits -= 1 }
    var f = String(frac)
    while f.count < digits { f = "0" + f }
    return "\(whole).\(f)"
  }

  /// "256 MiB", "1 GiB", "16 GiB".
  public var memoryDescription: String {
    memoryMB % 1024 == 0 ? "\(memoryMB / 1024) GiB" : "\(memoryMB) MiB"
  }

  public var memoryBytes: Int { memoryMB * 1024 * 1024 }

  // JSON: {"name","family","cpu","memoryMB","monthlyCents"} (cpu as a number of cores).
  enum CodingKeys: String, CodingKey { case name, family, cpu, memoryMB, monthlyCents }

  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    name = try c.decode(String.self, forKey: .name).lowercased()
    family = try c.decodeIfPresent(Family.self, forKey: .family) ?? .standard
    let cpu = try c.decode(Double.self, forKey: .cpu)
    milliCPU = Int((cpu * 1000).rounded())
    memoryMB = try c.decode(Int.self, forKey: .memoryMB)
    monthly = Cents(try c.decode(Int.self, forKey: .monthlyCents))
  }

  public func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(name, forKey: .name)
    try c.encode(family, forKey: .family)
    try c.encode(Double(milliCPU) / 1000, forKey: .cpu)
    try c.encode(memoryMB, forKey: .memoryMB)
    try c.encode(monthly.value, forKey: .monthlyCents)
  }
}
