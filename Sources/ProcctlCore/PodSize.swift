/// One entry of the pod-size catalogue: how much CPU and RAM one instance gets, and its price.
public struct PodSize: Hashable, Sendable {
  public enum Family: String, Sendable, CaseIterable {
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
}
