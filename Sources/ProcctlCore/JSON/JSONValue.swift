/// A parsed JSON document. procctl reads and writes its state file with its own small codec
/// (JSONParser, JSONWriter) rather than Foundation's Codable machinery: on a state with 1,000
/// processes JSONDecoder + JSONEncoder took ~23 ms, which alone would break the 10 ms budget of a
/// `procctl scale`.
public enum JSONValue: Equatable, Sendable {
  case null
  case bool(Bool)
  case int(Int)
  case double(Double)
  case string(String)
  case array([JSONValue])
  case object(JSONObject)

  public var kindName: String {
    switch self {
    case .null: return "null"
    case .bool: return "a boolean"
    case .int, .double: return "a number"
    case .string: return "a string"
    case .array: return "an array"
    case .object: return "an object"
    }
  }
}

/// A JSON object with its members in document order. Objects here are small, so lookup is a
/// linear scan, which beats hashing for a dozen keys.
public struct JSONObject: Equatable, Sendable {
  public var keys: [String]
  public var values: [JSONValue]

  public init() {
    keys = []
    values = []
  }

  public init(_ pairs: [(String, JSONValue)]) {
    keys = pairs.map(\.0)
    values = pairs.map(\.1)
  }

  public subscript(key: String) -> JSONValue? {
    get {
      for i in keys.indices where keys[i] == key { return values[i] }
      return nil
    }
    set {
      if let i = keys.firstIndex(of: key) {
        if let newValue { values[i] = newValue } else {
          keys.remove(at: i)
          values.remove(at: i)
        }
      } else if let newValue {
        keys.append(key)
        values.append(newValue)
      }
    }
  }

  public var count: Int { keys.count }
}
