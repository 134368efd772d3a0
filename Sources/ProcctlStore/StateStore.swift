#if canImport(Glibc)
  import Glibc
#endif
import ProcctlCore

/// The state directory's desired state: `state.json`, read and written whole.
///
/// Every change is read-modify-write under an exclusive `flock` on `state.lock`; the new version
/// goes to a temporary file that is fsynced and renamed over the old one, and the directory is
/// fsynced. The previous version stays as `state.json.bak`. A file that does not parse, or that a
/// newer procctl wrote, is never overwritten.
public struct StateStore: Sendable {
  public let paths: StatePaths

  public init(paths: StatePaths) { self.paths = paths }

  /// Reads the current state without locking (renames are atomic, so a reader never sees a torn
  /// file). A missing file is an empty state.
  public func read() throws(StoreError) -> StateDocument {
    guard let bytes = try FileIO.readFile(paths.stateFile) else { return StateDocument() }
    return try decode(bytes)
  }

  /// Runs `body` on the current state under the lock; if it changed the document, writes it.
  /// Returns what `body` returned. Errors thrown by `body` leave the file untouched.
  public func mutate<T>(_ body: (inout StateDocument) throws -> T) throws -> T {
    try FileIO.makeDirectories(paths.home)
    let lock = try FileLock(path: paths.lockFile)
    defer { withExtendedLifetime(lock) {} }
    let old: StateDocument
    let oldBytes = try FileIO.readFile(paths.stateFile)
    if let oldBytes { old = try decode(oldBytes) } else { old = StateDocument() }
    var doc = old
    let result = try body(&doc)
    if doc != old {
      doc.schemaVersion = StateDocument.currentSchemaVersion
      doc.revision = old.revision + 1
      try write(doc, keepingBackup: oldBytes != nil)
    }
    return result
  }

  /// Encodes the state as the file holds it.
  public static func encode(_ doc: StateDocument) throws(StoreError) -> [UInt8] {
    doc.jsonBytes()
  }

  func decode(_ bytes: [UInt8]) throws(StoreError) -> StateDocument {
    try StateStore.decode(bytes, path: paths.stateFile)
  }

  /// Decodes a state file's bytes; a newer schema or a parse error is `.unreadable`.
  public static func decode(_ bytes: [UInt8], path: String) throws(StoreError) -> StateDocument {
    do {
      return try StateDocument(jsonBytes: bytes)
    } catch {
      throw .unreadable(path: path, reason: error.description)
    }
  }

  private func write(_ doc: StateDocument, keepingBackup: Bool) throws(StoreError) {
    if keepingBackup {
      // Keep the previous version: a hard link is instant and never copies.
      let tmpBak = paths.backupFile + ".tmp.\(getpid())"
      unlink(tmpBak)
      if link(paths.stateFile, tmpBak) == 0 {
        if rename(tmpBak, paths.backupFile) != 0 { unlink(tmpBak) }
      }
    }
    try FileIO.writeAtomically(to: paths.stateFile) { doc.writeJSON(to: $0) }
  }

  /// The pod-size catalogue: `sizes.json` in the state directory if present, else the built-in.
  public func catalogue() throws(StoreError) -> SizeCatalogue {
    guard let bytes = try FileIO.readFile(paths.sizesFile) else { return .builtIn }
    do {
      return try SizeCatalogue(jsonBytes: bytes).validated()
    } catch let e as JSONError {
      throw .badCatalogue(path: paths.sizesFile, reason: e.description)
    } catch let e as CoreError {
      throw .badCatalogue(path: paths.sizesFile, reason: e.description)
    } catch {
      throw .badCatalogue(path: paths.sizesFile, reason: "\(error)")
    }
  }
}
