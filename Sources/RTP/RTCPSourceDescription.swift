/// A source description, SDES (RFC 3550 §6.5), packet type 202: for each source a chunk of
/// typed text items, CNAME being the one every compound must carry.
///
/// ```
/// |V=2|P|    SC   |  PT=SDES=202  |             length            |
/// |                          SSRC/CSRC_1                          |
/// |  type  | length | text ...  (items) ...  | 0 | null padding   |
/// |                          SSRC/CSRC_2 ...                      |
/// ```
///
/// Items are kept as bytes in order, whatever their type, so unknown items survive a round trip.
/// Bytes after the SC chunks are ignored.
public struct RTCPSourceDescription: Sendable, Equatable {
    /// SC is a 5-bit field: at most 31 chunks are serialized.
    public static let maximumChunkCount = 31

    /// An item type (RFC 3550 §6.5; 0 ends a chunk and is never an item).
    public struct ItemType: RawRepresentable, Sendable, Hashable {
        public var rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }

        public static let cname = ItemType(rawValue: 1)
        public static let name = ItemType(rawValue: 2)
        public static let email = ItemType(rawValue: 3)
        public static let phone = ItemType(rawValue: 4)
        public static let location = ItemType(rawValue: 5)
        public static let tool = ItemType(rawValue: 6)
        public static let note = ItemType(rawValue: 7)
        public static let priv = ItemType(rawValue: 8)
    }

    public struct Item: Sendable, Equatable {
        public var type: ItemType
        /// The item text (UTF-8 for the standard items). At most 255 bytes are serialized.
        public var value: [UInt8]

        public init(type: ItemType, value: [UInt8]) {
            self.type = type
            self.value = value
        }

        public init(type: ItemType, text: String) {
            self.init(type: type, value: Array(text.utf8))
        }

        /// The value decoded as UTF-8 (invalid sequences replaced).
        public var text: String { String(decoding: value, as: UTF8.self) }
    }

    public struct Chunk: Sendable, Equatable {
        /// The SSRC or CSRC the items describe.
        public var source: UInt32
        public var items: [Item]

        public init(source: UInt32, items: [Item]) {
            self.source = source
            self.items = items
        }

        /// The first CNAME item's text.
        public var cname: String? { items.first { $0.type == .cname }?.text }

        /// Bytes on the wire: SSRC, items, and 1-4 null octets ending on a 32-bit boundary.
        var serializedSize: Int {
            let itemBytes = items.reduce(0) { $0 + 2 + min($1.value.count, 255) }
            return 4 + (itemBytes / 4 + 1) * 4
        }
    }

    public var chunks: [Chunk]

    public init(chunks: [Chunk]) {
        self.chunks = chunks
    }

    /// The usual one-chunk SDES carrying our CNAME.
    public init(ssrc: UInt32, cname: String) {
        self.init(chunks: [Chunk(source: ssrc, items: [Item(type: .cname, text: cname)])])
    }

    init(count: Int, reading reader: inout RTCPByteReader) throws(RTCPError) {
        var chunks: [Chunk] = []
        for index in 0..<count {
            guard reader.remaining >= 4 else {
                throw RTCPError(.badCount, at: reader.packetStart, "SDES announces \(count) chunks, chunk \(index + 1) is missing")
            }
            let source = try reader.uint32("SDES chunk SSRC")
            let chunkStart = reader.position
            var items: [Item] = []
            while true {
                guard reader.remaining > 0 else {
                    throw RTCPError(.badItem, at: reader.packetStart, "SDES chunk \(index + 1) has no terminating null item")
                }
                let type = try reader.uint8("SDES item type")
                if type == 0 {
                    // Null octets up to the next 32-bit boundary (RFC 3550 §6.5).
                    reader.skip((4 - (reader.position - chunkStart) % 4) % 4)
                    break
                }
                guard reader.remaining > 0 else {
                    throw RTCPError(.badItem, at: reader.packetStart, "SDES item \(type) has no length octet")
                }
                let length = Int(try reader.uint8("SDES item length"))
                let value = try reader.bytes(length, "SDES item \(type) text", kind: .badItem)
                items.append(Item(type: ItemType(rawValue: type), value: value))
            }
            chunks.append(Chunk(source: source, items: items))
        }
        self.init(chunks: chunks)
    }

    var serializedSize: Int {
        4 + chunks.prefix(Self.maximumChunkCount).reduce(0) { $0 + $1.serializedSize }
    }

    func serialize(into buffer: inout [UInt8]) {
        let count = min(chunks.count, Self.maximumChunkCount)
        buffer.appendRTCPHeader(count: count, packetType: RTCPPacketType.sourceDescription, bodyLength: serializedSize - 4)
        for chunk in chunks.prefix(count) {
            buffer.appendBigEndian(chunk.source)
            var written = 0
            for item in chunk.items {
                let value = item.value.prefix(255)
                buffer.append(item.type.rawValue)
                buffer.append(UInt8(value.count))
                buffer.append(contentsOf: value)
                written += 2 + value.count
            }
            buffer.append(contentsOf: repeatElement(0, count: 4 - written % 4))
        }
    }
}
