/// The whole desired state: what `state.json` holds. Pure data; reading and writing it is the
/// store's job.
public struct StateDocument: Sendable, Equatable {
  /// The schema this build writes. A file with a larger number was written by a newer procctl and
  /// is never overwritten.
  public static let currentSchemaVersion = 1

  public var schemaVersion: Int
  /// Incremented on every committed change; lets readers tell one version from the next.
  public var revision: Int
  public var paymentMethod: String?
  public var apps: [Application]

  public init(
    schemaVersion: Int = StateDocument.currentSchemaVersion, revision: Int = 0,
    paymentMethod: String? = nil, apps: [Application] = []
  ) {
    self.schemaVersion = schemaVersion
    self.revision = revision
    self.paymentMethod = paymentMethod
    self.apps = apps
  }

  public func app(named name: String) -> Application? { apps.first { $0.name == name } }
  public func appIndex(_ name: String) -> Int? { apps.firstIndex { $0.name == name } }

  /// Resolves which application a command means: the one named, else `PROCCTL_APP` (passed in as
  /// `fromEnvironment`), else the only one. Otherwise the error lists the applications.
  public func resolveApp(_ explicit: String?, fromEnvironment: String?) throws(CoreError) -> Int {
    if let name = explicit ?? fromEnvironment.flatMap({ $0.isEmpty ? nil : $0 }) {
      guard let i = appIndex(name) else {
        throw .notFound(
          "application \"\(name)\" not found; applications: \(appList) (create it with 'procctl apps create \(name)')"
        )
      }
      return i
    }
    if apps.count == 1 { return 0 }
    if apps.isEmpty {
      throw .notFound("no applications yet; create one with 'procctl apps create NAME'")
    }
    throw .invalid("several applications exist (\(appList)): name one with --app APP or PROCCTL_APP")
  }

  var appList: String { apps.isEmpty ? "(none)" : apps.map(\.name).joined(separator: ", ") }

  /// Every process of every application, in order.
  public var allProcesses: [(app: String, process: ProcessSpec)] {
    apps.flatMap { a in a.processes.map { (a.name, $0) } }
  }
}
