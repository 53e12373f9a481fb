/// Call counts read from SIPp's statistics: the `-trace_stat` CSV or the statistics screen.
public struct SIPpStatistics: Sendable, Equatable {
    public var successfulCalls: Int
    public var failedCalls: Int

    public init(successfulCalls: Int, failedCalls: Int) {
        self.successfulCalls = successfulCalls
        self.failedCalls = failedCalls
    }

    /// From a `-trace_stat` file: a `;`-separated header line, then one line per dump; the last
    /// complete line holds the final cumulative `SuccessfulCall(C)` and `FailedCall(C)` values.
    /// Nil when the header or those columns are missing.
    public init?(csv: String) {
        let lines = csv.split(whereSeparator: \.isNewline).map(String.init)
        guard let header = lines.first?.split(separator: ";", omittingEmptySubsequences: false).map(String.init),
              let successColumn = header.firstIndex(of: "SuccessfulCall(C)"),
              let failedColumn = header.firstIndex(of: "FailedCall(C)")
        else { return nil }
        // A line cut short while sipp was writing is skipped for the one before it.
        for line in lines.dropFirst().reversed() {
            let fields = line.split(separator: ";", omittingEmptySubsequences: false)
            guard fields.count > max(successColumn, failedColumn),
                  let success = Int(fields[successColumn].trimmingWhitespace()),
                  let failed = Int(fields[failedColumn].trimmingWhitespace())
            else { continue }
            self.init(successfulCalls: success, failedCalls: failed)
            return
        }
        return nil
    }

    /// From sipp's statistics screen (printed on exit, or by `-trace_screen`): the cumulative
    /// column of the last `Successful call` and `Failed call` rows. Nil when either is missing.
    public init?(screen: String) {
        var success: Int?
        var failed: Int?
        for line in screen.split(whereSeparator: \.isNewline) {
            let cells = line.split(separator: "|", omittingEmptySubsequences: false)
            guard cells.count == 3 else { continue }
            let label = cells[0].trimmingWhitespace()
            let cumulative = Int(cells[2].trimmingWhitespace())
            if label == "Successful call", let cumulative { success = cumulative }
            if label == "Failed call", let cumulative { failed = cumulative }
        }
        guard let success, let failed else { return nil }
        self.init(successfulCalls: success, failedCalls: failed)
    }
}

extension StringProtocol {
    func trimmingWhitespace() -> String {
        let scalars = unicodeScalars
        var start = scalars.startIndex
        var end = scalars.endIndex
        while start < end, scalars[start].properties.isWhitespace { start = scalars.index(after: start) }
        while end > start, scalars[scalars.index(before: end)].properties.isWhitespace { end = scalars.index(before: end) }
        var result = ""
        result.unicodeScalars.append(contentsOf: scalars[start..<end])
        return result
    }
}
