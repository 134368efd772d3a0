/// `sizes.json` and `procctl sizes --json`: {"sizes": [{"name", "family", "cpu", "memoryMB",
/// "monthlyCents"}]}, cpu as a number of cores.
extension SizeCatalogue: JSONWritable {
  public init(jsonBytes bytes: [UInt8]) throws(JSONError) {
    self = try bytes.withUnsafeBufferPointer { (buf) throws(JSONError) -> SizeCatalogue in
      var r = JSONReader(buf)
      var sizes: [PodSize] = []
      try r.beginObject()
      while try r.nextKey() {
        guard r.keyIs("sizes") else {
          try r.skipValue()
          continue
        }
        try r.beginArray()
        while try r.nextElement() { sizes.append(try PodSize(reading: &r, index: sizes.count)) }
      }
      try r.end()
      return SizeCatalogue(sizes: sizes)
    }
  }

  public func write(to w: inout JSONWriter) {
    w.beginObject()
    w.member("sizes", sizes)
    w.endObject()
  }
}

extension PodSize: JSONWritable {
  init(reading r: inout JSONReader, index: Int) throws(JSONError) {
    var name: String? = nil
    var family = Family.standard
    var cpu: Double? = nil
    var memoryMB: Int? = nil
    var monthlyCents: Int? = nil
    try r.beginObject()
    while try r.nextKey() {
      if r.keyIs("name") {
        name = try r.readString().lowercased()
      } else if r.keyIs("family") {
        family = try r.readEnum(Family.self)
      } else if r.keyIs("cpu") {
        cpu = try r.readDouble()
      } else if r.keyIs("memoryMB") {
        memoryMB = try r.readInt()
      } else if r.keyIs("monthlyCents") {
        monthlyCents = try r.readInt()
      } else {
        try r.skipValue()
      }
    }
    func missing(_ f: String) -> JSONError { r.error("missing field \"\(f)\" in sizes[\(index)]") }
    guard let name else { throw missing("name") }
    guard let cpu else { throw missing("cpu") }
    guard let memoryMB else { throw missing("memoryMB") }
    guard let monthlyCents else { throw missing("monthlyCents") }
    self.init(
      name: name, family: family, milliCPU: Int((cpu * 1000).rounded()), memoryMB: memoryMB,
      monthly: Cents(monthlyCents))
  }

  public func write(to w: inout JSONWriter) {
    w.beginObject()
    w.member("cpu", Double(milliCPU) / 1000)
    w.member("family", family.rawValue)
    w.member("memoryMB", memoryMB)
    w.member("monthlyCents", monthly.value)
    w.member("name", name)
    w.endObject()
  }
}
