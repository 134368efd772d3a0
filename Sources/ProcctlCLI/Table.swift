/// Aligned columns for human output: a header row, two spaces between columns, numbers
/// right-aligned, no padding after the last column.
public struct Table {
  public struct Column {
    public var header: String
    public var rightAligned: Bool
    public init(_ header: String, rightAligned: Bool = false) {
      self.header = header
      self.rightAligned = rightAligned
    }
  }

  public var columns: [Column]
  public var rows: [[String]] = []

  public init(_ columns: [Column]) { self.columns = columns }

  public mutating func add(_ row: [String]) { rows.append(row) }

  public func render() -> String {
    var widths = columns.map { $0.header.count }
    for r in rows {
      for (i, cell) in r.enumerated() where i < widths.count {
        widths[i] = max(widths[i], cell.count)
      }
    }
    var out = ""
    func emit(_ cells: [String]) {
      var line = ""
      for i in columns.indices {
        let cell = i < cells.count ? cells[i] : ""
        let gap = String(repeating: " ", count: widths[i] - cell.count)
        let last = i == columns.count - 1
        if i > 0 { line += "  " }
        if columns[i].rightAligned {
          line += gap + cell
        } else {
          line += last ? cell : cell + gap
        }
      }
      while line.last == " " { line.removeLast() }
      out += line + "\n"
    }
    emit(columns.map(\.header))
    for r in rows { emit(r) }
    return out
  }
}
