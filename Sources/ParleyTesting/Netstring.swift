/// Netstring framing (`<decimal length>:<bytes>,`), which baresip's ctrl_tcp module uses around
/// each JSON message. Sans-I/O: ``encode(_:)`` frames one payload, ``Decoder`` takes bytes as they
/// arrive from a socket and hands back whole payloads.
public enum Netstring {
    /// Frames `payload`, e.g. `hello` → `5:hello,`.
    public static func encode(_ payload: [UInt8]) -> [UInt8] {
        Array(String(payload.count).utf8) + [colon] + payload + [comma]
    }

    /// Why a byte stream is not a sequence of netstrings.
    public enum DecodeError: Error, Sendable, Equatable {
        /// The length prefix holds something other than decimal digits (the offending byte).
        case invalidLengthByte(UInt8)
        /// The declared length is larger than ``Decoder/maximumLength``.
        case tooLong(declared: Int)
        /// The payload is not followed by a comma (the byte found instead).
        case missingComma(found: UInt8)
    }

    /// Reassembles netstrings from arbitrary chunks of a stream.
    public struct Decoder: Sendable {
        /// Longest payload accepted; larger prefixes mean a broken stream, not a real message.
        public static let maximumLength = 16 * 1024 * 1024
        private var buffer: [UInt8] = []

        public init() {}

        /// Appends received bytes.
        public mutating func append(_ bytes: some Sequence<UInt8>) {
            buffer.append(contentsOf: bytes)
        }

        /// The next whole payload, or nil until more bytes arrive. After an error the stream is
        /// unusable (framing is lost); the buffer is left as it was.
        public mutating func next() throws(DecodeError) -> [UInt8]? {
            var length = 0
            var index = 0
            while index < buffer.count, buffer[index] != Netstring.colon {
                let byte = buffer[index]
                guard byte >= 0x30, byte <= 0x39 else { throw DecodeError.invalidLengthByte(byte) }
                length = length * 10 + Int(byte - 0x30)
                guard length <= Decoder.maximumLength else { throw DecodeError.tooLong(declared: length) }
                index += 1
            }
            guard index < buffer.count else { return nil }  // no colon yet
            guard index > 0 else { throw DecodeError.invalidLengthByte(Netstring.colon) }
            let start = index + 1
            guard buffer.count >= start + length + 1 else { return nil }
            let terminator = buffer[start + length]
            guard terminator == Netstring.comma else { throw DecodeError.missingComma(found: terminator) }
            let payload = Array(buffer[start..<start + length])
            buffer.removeFirst(start + length + 1)
            return payload
        }
    }

    static let colon = UInt8(ascii: ":")
    static let comma = UInt8(ascii: ",")
}
