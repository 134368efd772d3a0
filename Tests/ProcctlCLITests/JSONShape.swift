import ProcctlCore

/// Checks on the shape of `--json` documents.
enum JSONShape {
  /// True when every object in `v`, at any depth, has its keys in sorted order (the documented
  /// promise that field order never changes).
  static func keysSorted(_ v: JSONValue) -> Bool {
    switch v {
    case .object(let o):
      return o.keys == o.keys.sorted() && o.values.allSatisfy(keysSorted)
    case .array(let a): return a.allSatisfy(keysSorted)
    default: return true
    }
  }
}
