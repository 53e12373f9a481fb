/// A b= line (RFC 8866 §5.8), such as `b=AS:64` (kilobits per second) or `b=TIAS:64000`
/// (bits per second, RFC 3890).
public struct Bandwidth: Sendable, Equatable {
    public var type: String
    public var value: Int

    public init(type: String, value: Int) {
        self.type = type
        self.value = value
    }

    /// Parses the value of a b= line (the text after `b=`).
    init(sdpValue value: ArraySlice<UInt8>, line: Int) throws(SDPError) {
        guard let (type, amount) = value.splitOnce(at: ASCII.colon) else {
            throw SDPError(line: line, reason: "b= line: expected <type>:<value>")
        }
        guard !type.isEmpty, !type.containsWhitespace else {
            throw SDPError(line: line, reason: "b= line: bandwidth type is not a token")
        }
        guard let number = amount.decimal(Int.self) else {
            throw SDPError(line: line, reason: "b= line: bandwidth is not a number")
        }
        self.init(type: type.text, value: number)
    }

    var sdpValue: String { "\(type):\(value)" }
}

/// A t= line and the r= lines that follow it (RFC 8866 §5.9, §5.10).
///
/// Start and stop are NTP seconds; `0 0` means an unbounded session, which is all a telephone
/// call ever uses. Repeat lines are kept as raw text, without `r=`.
public struct Timing: Sendable, Equatable {
    public var start: UInt64
    public var stop: UInt64
    public var repeats: [String]

    public init(start: UInt64, stop: UInt64, repeats: [String] = []) {
        self.start = start
        self.stop = stop
        self.repeats = repeats
    }

    /// Parses the value of a t= line (the text after `t=`).
    init(sdpValue value: ArraySlice<UInt8>, line: Int) throws(SDPError) {
        let fields = value.fields()
        guard fields.count == 2 else {
            throw SDPError(line: line, reason: "t= line: expected 2 fields, found \(fields.count)")
        }
        guard let start = fields[0].decimal(UInt64.self) else {
            throw SDPError(line: line, reason: "t= line: start time is not a number")
        }
        guard let stop = fields[1].decimal(UInt64.self) else {
            throw SDPError(line: line, reason: "t= line: stop time is not a number")
        }
        self.init(start: start, stop: stop)
    }

    var sdpValue: String { "\(start) \(stop)" }
}
