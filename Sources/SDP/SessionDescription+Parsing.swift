extension SessionDescription {
    /// Parses a session description.
    ///
    /// Tolerant of what real peers send: LF-only line ends, trailing spaces, tabs and blank
    /// lines, session-level lines in any order after v=, and a missing t= line (read as
    /// `t=0 0`). Lines with a type letter this module does not know are skipped (RFC 8866 §5
    /// keeps the letter set closed; skipping is kinder than refusing the call). Strict on
    /// structure: v= first and equal to 0, exactly one o= and one s=, no session-only line
    /// inside a media section, no duplicated single-valued line, and every field well formed.
    /// Input over ``SDPLimits`` is refused.
    public init(parsing text: String) throws(SDPError) {
        var parser = SDPParser(bytes: Array(text.utf8))
        self = try parser.parse()
    }

    /// Parses a session description from raw bytes, such as a SIP message body. Bytes that are
    /// not UTF-8 are an error naming their line; otherwise the same as parsing a `String`.
    public init(parsing bytes: [UInt8]) throws(SDPError) {
        guard bytes.count <= SDPLimits.maxBytes else { throw SDPParser.tooLarge }
        if let offset = UTF8Validation.firstInvalidOffset(in: bytes) {
            let line = UTF8Validation.lineNumber(at: offset, in: bytes)
            throw SDPError(line: line, reason: "text is not valid UTF-8")
        }
        var parser = SDPParser(bytes: bytes)
        self = try parser.parse()
    }
}

/// One pass over the lines of a description, building the session as it goes.
struct SDPParser {
    static let tooLarge = SDPError(line: 0, reason: "description is larger than \(SDPLimits.maxBytes) bytes")

    let bytes: [UInt8]
    private var sawVersion = false
    private var origin: Origin?
    private var sessionName: String?
    private var information: String?
    private var uri: String?
    private var emails: [String] = []
    private var phones: [String] = []
    private var connection: Connection?
    private var bandwidths: [Bandwidth] = []
    private var timings: [Timing] = []
    private var timeZones: String?
    private var encryptionKey: String?
    private var attributes: [Attribute] = []
    private var media: [MediaDescription] = []
    private var firstMediaLine: Int?
    private var lastLine = 0

    init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    mutating func parse() throws(SDPError) -> SessionDescription {
        guard bytes.count <= SDPLimits.maxBytes else { throw Self.tooLarge }
        var lineNumber = 0
        var start = 0
        while start < bytes.count {
            lineNumber += 1
            guard lineNumber <= SDPLimits.maxLines else {
                throw SDPError(line: lineNumber, reason: "description has more than \(SDPLimits.maxLines) lines")
            }
            let end = bytes[start...].firstIndex(of: ASCII.lf) ?? bytes.count
            var line = bytes[start..<end]
            start = end + 1
            // Trailing CR (of CRLF), spaces and tabs are not part of any value.
            while let last = line.last, last == ASCII.cr || ASCII.isWhitespace(last) {
                line.removeLast()
            }
            if line.isEmpty { continue }
            lastLine = lineNumber
            try handle(line, number: lineNumber)
        }
        return try finish()
    }

    private mutating func handle(_ line: ArraySlice<UInt8>, number: Int) throws(SDPError) {
        for byte in line where byte == ASCII.nul || byte == ASCII.cr {
            throw SDPError(line: number, reason: byte == ASCII.nul ? "line contains a NUL byte"
                                                                   : "line contains a carriage return")
        }
        guard line.count >= 2, line[line.startIndex + 1] == ASCII.equals else {
            throw SDPError(line: number, reason: "line is not of the form <type>=<value>")
        }
        let type = line[line.startIndex]
        let value = line.dropFirst(2)
        guard sawVersion || type == UInt8(ascii: "v") else {
            throw SDPError(line: number, reason: "description must start with a v= line")
        }
        switch type {
        case UInt8(ascii: "v"):
            guard !sawVersion else { throw SDPError(line: number, reason: "duplicate v= line") }
            guard value.elementsEqual([ASCII.zero]) else {
                throw SDPError(line: number, reason: "v= line: version must be 0")
            }
            sawVersion = true
        case UInt8(ascii: "o"), UInt8(ascii: "s"), UInt8(ascii: "u"), UInt8(ascii: "e"), UInt8(ascii: "p"),
             UInt8(ascii: "t"), UInt8(ascii: "r"), UInt8(ascii: "z"):
            guard media.isEmpty else {
                throw SDPError(line: number, reason: "\(Character(Unicode.Scalar(type)))= line is not allowed in a media section")
            }
            try handleSessionOnly(type, value, number: number)
        case UInt8(ascii: "i"), UInt8(ascii: "c"), UInt8(ascii: "b"), UInt8(ascii: "k"), UInt8(ascii: "a"):
            if media.isEmpty {
                try handleSessionShared(type, value, number: number)
            } else {
                try handleMediaLine(type, value, number: number)
            }
        case UInt8(ascii: "m"):
            guard media.count < SDPLimits.maxMediaSections else {
                throw SDPError(line: number, reason: "description has more than \(SDPLimits.maxMediaSections) media sections")
            }
            media.append(try MediaDescription(mediaLine: value, line: number))
            if firstMediaLine == nil { firstMediaLine = number }
        default:
            // RFC 8866 §5: the type is a single letter; unknown letters are skipped (see init).
            guard ASCII.isLetter(type) else {
                throw SDPError(line: number, reason: "line type is not a letter")
            }
        }
    }

    /// o= s= u= e= p= t= r= z=, which only the session level may carry.
    private mutating func handleSessionOnly(_ type: UInt8, _ value: ArraySlice<UInt8>, number: Int) throws(SDPError) {
        switch type {
        case UInt8(ascii: "o"):
            guard origin == nil else { throw SDPError(line: number, reason: "duplicate o= line") }
            origin = try Origin(sdpValue: value, line: number)
        case UInt8(ascii: "s"):
            guard sessionName == nil else { throw SDPError(line: number, reason: "duplicate s= line") }
            // RFC 8866 §5.3: s= must not be empty; " " is the spelling for "no name", and the
            // trailing-whitespace trim above turns "s= " into "s=".
            sessionName = value.isEmpty ? " " : value.text
        case UInt8(ascii: "u"):
            guard uri == nil else { throw SDPError(line: number, reason: "duplicate u= line") }
            uri = value.text
        case UInt8(ascii: "e"):
            emails.append(value.text)
        case UInt8(ascii: "p"):
            phones.append(value.text)
        case UInt8(ascii: "t"):
            timings.append(try Timing(sdpValue: value, line: number))
        case UInt8(ascii: "r"):
            guard !timings.isEmpty else {
                throw SDPError(line: number, reason: "r= line without a t= line before it")
            }
            timings[timings.count - 1].repeats.append(value.text)
        default: // z
            guard timeZones == nil else { throw SDPError(line: number, reason: "duplicate z= line") }
            timeZones = value.text
        }
    }

    /// i= c= b= k= a= before the first m= line.
    private mutating func handleSessionShared(_ type: UInt8, _ value: ArraySlice<UInt8>, number: Int) throws(SDPError) {
        switch type {
        case UInt8(ascii: "i"):
            guard information == nil else { throw SDPError(line: number, reason: "duplicate i= line") }
            information = value.text
        case UInt8(ascii: "c"):
            guard connection == nil else { throw SDPError(line: number, reason: "duplicate c= line") }
            connection = try Connection(sdpValue: value, line: number)
        case UInt8(ascii: "b"):
            bandwidths.append(try Bandwidth(sdpValue: value, line: number))
        case UInt8(ascii: "k"):
            guard encryptionKey == nil else { throw SDPError(line: number, reason: "duplicate k= line") }
            encryptionKey = value.text
        default: // a
            attributes.append(try Attribute(sdpValue: value, line: number))
        }
    }

    /// i= c= b= k= a= inside the current media section.
    private mutating func handleMediaLine(_ type: UInt8, _ value: ArraySlice<UInt8>, number: Int) throws(SDPError) {
        let index = media.count - 1
        switch type {
        case UInt8(ascii: "i"):
            guard media[index].information == nil else {
                throw SDPError(line: number, reason: "duplicate i= line in media section")
            }
            media[index].information = value.text
        case UInt8(ascii: "c"):
            // RFC 8866 §5.7 allows several c= lines per section for layered multicast; a
            // telephone never does, so one is all this model holds.
            guard media[index].connection == nil else {
                throw SDPError(line: number, reason: "duplicate c= line in media section")
            }
            media[index].connection = try Connection(sdpValue: value, line: number)
        case UInt8(ascii: "b"):
            media[index].bandwidths.append(try Bandwidth(sdpValue: value, line: number))
        case UInt8(ascii: "k"):
            guard media[index].encryptionKey == nil else {
                throw SDPError(line: number, reason: "duplicate k= line in media section")
            }
            media[index].encryptionKey = value.text
        default: // a
            media[index].attributes.append(try Attribute(sdpValue: value, line: number))
        }
    }

    private func finish() throws(SDPError) -> SessionDescription {
        guard sawVersion else { throw SDPError(line: 1, reason: "description is empty") }
        // A missing line is reported where the session section ended.
        let sessionEnd = firstMediaLine ?? lastLine
        guard let origin else { throw SDPError(line: sessionEnd, reason: "o= line is missing") }
        guard let sessionName else { throw SDPError(line: sessionEnd, reason: "s= line is missing") }
        var description = SessionDescription(
            origin: origin,
            sessionName: sessionName,
            connection: connection,
            timings: timings.isEmpty ? [Timing(start: 0, stop: 0)] : timings,
            attributes: attributes,
            media: media
        )
        description.information = information
        description.uri = uri
        description.emails = emails
        description.phones = phones
        description.bandwidths = bandwidths
        description.timeZones = timeZones
        description.encryptionKey = encryptionKey
        return description
    }
}
