/// ITU-T G.711 PCM at 8 kHz: µ-law (PCMU, payload type 0) and A-law (PCMA, payload type 8).
///
/// One byte per sample. The bulk paths are table lookups (256-entry decode tables; encode tables
/// indexed by the top 14 bits of the sample for µ-law and the top 12 for A-law, which is all
/// either law looks at), so a 20 ms frame costs well under a microsecond each way. The scalar
/// functions in `G711+Scalar.swift` are the segment algorithm the tables are built from.
public struct G711: AudioCodec {
    public enum Law: Sendable, Equatable {
        /// µ-law, North America and Japan.
        case mu
        /// A-law, everywhere else.
        case a
    }

    public static let pcmu = G711(law: .mu)
    public static let pcma = G711(law: .a)

    public let law: Law

    public init(law: Law) {
        self.law = law
    }

    public var name: String { law == .mu ? "PCMU" : "PCMA" }
    public var sampleRate: Int { 8000 }
    public var rtpClockRate: Int { 8000 }
    public var staticPayloadType: UInt8? { law == .mu ? 0 : 8 }

    /// Appends `pcm.count` bytes to `out`.
    public func encode(_ pcm: UnsafeBufferPointer<Int16>, into out: inout [UInt8]) {
        let start = out.count
        let count = pcm.count
        guard count > 0 else { return }
        out.append(contentsOf: repeatElement(0, count: count))
        _ = out.withUnsafeMutableBufferPointer { buffer in
            encode(pcm, into: UnsafeMutableBufferPointer(rebasing: buffer[start...]))
        }
    }

    /// Appends `payload.count` samples to `out`.
    public func decode(_ payload: UnsafeRawBufferPointer, into out: inout [Int16]) {
        let start = out.count
        let count = payload.count
        guard count > 0 else { return }
        out.append(contentsOf: repeatElement(0, count: count))
        _ = out.withUnsafeMutableBufferPointer { buffer in
            decode(payload, into: UnsafeMutableBufferPointer(rebasing: buffer[start...]))
        }
    }

    /// Hot-path variant: writes `min(pcm.count, out.count)` bytes at the start of `out`, returns
    /// that count and allocates nothing.
    ///
    /// The destination is a buffer pointer, not a bare `UnsafeMutablePointer`, on purpose: Swift
    /// prefers a pointer overload over an `inout [UInt8]` one for `&array`, so with a bare pointer
    /// `codec.encode(pcm, into: &bytes)` would silently write past the end of `bytes` instead of
    /// appending.
    @discardableResult
    public func encode(_ pcm: UnsafeBufferPointer<Int16>, into out: UnsafeMutableBufferPointer<UInt8>) -> Int {
        let count = min(pcm.count, out.count)
        switch law {
        case .mu:
            Self.muLawEncodeTable.withUnsafeBufferPointer { table in
                for index in 0..<count {
                    out[index] = table[Int(UInt16(bitPattern: pcm[index]) >> Self.muLawDroppedBits)]
                }
            }
        case .a:
            Self.aLawEncodeTable.withUnsafeBufferPointer { table in
                for index in 0..<count {
                    out[index] = table[Int(UInt16(bitPattern: pcm[index]) >> Self.aLawDroppedBits)]
                }
            }
        }
        return count
    }

    /// Hot-path variant: writes `min(payload.count, out.count)` samples at the start of `out`,
    /// returns that count and allocates nothing.
    @discardableResult
    public func decode(_ payload: UnsafeRawBufferPointer, into out: UnsafeMutableBufferPointer<Int16>) -> Int {
        let count = min(payload.count, out.count)
        let decodeTable = law == .mu ? Self.muLawDecodeTable : Self.aLawDecodeTable
        decodeTable.withUnsafeBufferPointer { table in
            for index in 0..<count {
                out[index] = table[Int(payload[index])]
            }
        }
        return count
    }
}

extension G711 {
    /// µ-law quantizes 14-bit magnitudes: the low 2 bits of a 16-bit sample never matter.
    static let muLawDroppedBits = 2
    /// A-law's finest step is 16 in 16-bit units: the low 4 bits never matter.
    static let aLawDroppedBits = 4

    static let muLawDecodeTable: [Int16] = (0...255).map { decodeMuLaw(UInt8($0)) }
    static let aLawDecodeTable: [Int16] = (0...255).map { decodeALaw(UInt8($0)) }

    /// Indexed by the sample's bit pattern shifted right by `muLawDroppedBits`. The sample with
    /// zero low bits stands for all samples sharing the index: with the ones'-complement
    /// magnitude used for negatives, `~x >> 2 == ~(x >> 2)`, so they all encode alike.
    static let muLawEncodeTable: [UInt8] = (0..<(1 << (16 - muLawDroppedBits))).map { index in
        encodeMuLaw(Int16(bitPattern: UInt16(truncatingIfNeeded: index << muLawDroppedBits)))
    }

    /// Indexed by the sample's bit pattern shifted right by `aLawDroppedBits`.
    static let aLawEncodeTable: [UInt8] = (0..<(1 << (16 - aLawDroppedBits))).map { index in
        encodeALaw(Int16(bitPattern: UInt16(truncatingIfNeeded: index << aLawDroppedBits)))
    }
}
