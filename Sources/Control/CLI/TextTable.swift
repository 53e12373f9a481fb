import Foundation

/// Aligned columns for terminal output: a header row, then rows, cells separated by two
/// spaces, long cells cut with "…", no trailing spaces.
public struct TextTable: Sendable {
    public var columns: [String]
    public var rows: [[String]] = []
    public var maximumWidth: Int

    public init(_ columns: [String], maximumWidth: Int = 48) {
        self.columns = columns
        self.maximumWidth = max(4, maximumWidth)
    }

    public mutating func add(_ cells: [String]) {
        rows.append(cells)
    }

    public func render() -> String {
        let all = [columns] + rows.map { row in
            columns.indices.map { index in index < row.count ? clean(row[index]) : "" }
        }
        let widths = columns.indices.map { index in all.map { $0[index].count }.max() ?? 0 }
        var text = ""
        for row in all {
            let cells = row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }
            var line = cells.joined(separator: "  ")
            while line.last == " " { line.removeLast() }
            text += line + "\n"
        }
        return text
    }

    private func clean(_ cell: String) -> String {
        // Scalars, not Characters: "\r\n" is a single Character.
        var scalars = String.UnicodeScalarView()
        for scalar in cell.unicodeScalars {
            scalars.append(scalar == "\n" || scalar == "\r" || scalar == "\t" ? " " : scalar)
        }
        let flat = String(scalars)
        guard flat.count > maximumWidth else { return flat }
        return String(flat.prefix(maximumWidth - 1)) + "…"
    }

    /// "09:30:00" for today's times, else "2026-11-21 09:30", in UTC like the API.
    public static func time(_ date: Date?, now: Date = Date()) -> String {
        guard let date else { return "-" }
        let full = ControlJSON.formatTimestamp(date)
        let day = full.prefix(10)
        let clock = full.dropFirst(11).prefix(8)
        return day == ControlJSON.formatTimestamp(now).prefix(10) ? String(clock) : "\(day) \(clock.prefix(5))"
    }

    /// "4:05" or "1:02:03".
    public static func duration(_ seconds: Double) -> String {
        let total = Int(max(0, seconds.isFinite ? seconds : 0))
        let (h, m, s) = (total / 3600, total / 60 % 60, total % 60)
        return h > 0 ? String(format: "%d:%02d:%02d", h, m, s) : String(format: "%d:%02d", m, s)
    }
}
