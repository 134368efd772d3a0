/// The payment method is only a label (such as `visa-4242` or `cost-center-4711`); we never store
/// card numbers, so a label that looks like one is refused.
public enum PaymentMethod {
  public static func validate(_ label: String) throws(CoreError) {
    let trimmed = label.trimmingSpaces
    if trimmed.isEmpty || trimmed.utf8.count > 64 {
      throw .invalid(
        "invalid payment method \"\(label)\": use a label of 1 to 64 characters such as visa-4242")
    }
    if looksLikeCardNumber(trimmed) {
      throw .invalid(
        "refusing payment method \"\(label)\": it looks like a full card number; store a label such as visa-4242 instead"
      )
    }
    for u in trimmed.unicodeScalars where u.value < 0x20 || u.value == 0x7f {
      throw .invalid("invalid payment method \"\(label)\": control characters are not allowed")
    }
  }

  /// 13 to 19 digits, optionally separated by spaces or dashes, passing the Luhn check.
  public static func looksLikeCardNumber(_ s: String) -> Bool {
    var digits: [Int] = []
    for ch in s.unicodeScalars {
      switch ch {
      case "0"..."9": digits.append(Int(ch.value) - 48)
      case " ", "-": continue
      default: return false
      }
    }
    return (13...19).contains(digits.count) && luhn(digits)
  }

  public static func luhn(_ digits: [Int]) -> Bool {
    var sum = 0
    for (i, d) in digits.reversed().enumerated() {
      if i % 2 == 1 {
        let x = d * 2
        sum += x > 9 ? x - 9 : x
      } else {
        sum += d
      }
    }
    return sum % 10 == 0
  }
}
