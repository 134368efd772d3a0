import ProcctlCore
import ProcctlStore

/// Placeholder: parses argv and runs a command, returning the exit code.
public enum CLI {
  public static func main(_ args: [String]) -> Int32 { 0 }
}
