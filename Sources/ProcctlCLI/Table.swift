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

  public func render() -> String { String(decoding: renderBytes(), as: UTF8.self) }

  /// The table as UTF-8 bytes. Built byte by byte: on 1,000 rows string concatenation cost
  /// more than reading the state file.
  public func renderBytes() -> [UInt8] {
    var widths = columns.map { Table.width($0.header) }
    var cellWidths: [[Int]] = []
    cellWidths.reserveCapacity(rows.count)
    for r in rows {
      var ws: [Int] = []
      ws.reserveCapacity(r.count)
      for (i, cell) in r.enumerated() {
        let w = Table.width(cell)
        ws.append(w)
        if i < widths.count { widths[i] = max(widths[i], w) }
      }
      cellWidths.append(ws)
    }
    var out: [UInt8] = []
    out.reserveCapacity((widths.reduce(0, +) + 2 * columns.count + 1) * (rows.count + 1))
    func emit(_ cells: [String], _ ws: [Int]) {
      let lineStart = out.count
      for i in columns.indices {
        let cell = i < cells.count ? cells[i] : ""
        let gap = widths[i] - (i < ws.count ? ws[i] : 0)
        if i > 0 {
          out.append(32)
          out.append(32)
        }
        if columns[i].rightAligned {
          out.append(contentsOf: repeatElement(32, count: gap))
          out.append(contentsOf: cell.utf8)
        } else {
          out.append(contentsOf: cell.utf8)
          if i < columns.count - 1 { out.append(contentsOf: repeatElement(32, count: gap)) }
        }
      }
      while out.count > lineStart, out.last == 32 { out.removeLast() }
      out.append(10)
    }
    emit(columns.map(\.header), columns.map { Table.width($0.header) })
    for (r, ws) in zip(rows, cellWidths) { emit(r, ws) }
    return out
  }

  /// Display width: characters (ASCII fast path).
  static func width(_ s: String) -> Int {
    var ascii = true
    for b in s.utf8 where b >= 0x80 {
      ascii = false
      break
    }
    return ascii ? s.utf8.count : s.count
  }
}
