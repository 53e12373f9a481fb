/// G.711 as an ``AudioEncoder`` and ``AudioDecoder``: it has no state, so the conformance is the
/// existing table coder plus a channel count, a nominal 20 ms frame and silence for a lost packet.
/// Wrap the decoder in ``LossConcealer`` for real concealment (the factory does).
extension G711: AudioEncoder, AudioDecoder {
    /// G.711 is mono (RFC 3551 §4.5.14).
    public var channels: Int { 1 }

    /// 20 ms at 8 kHz; `encode` accepts any number of samples.
    public var frameSize: Int { 160 }

    /// Appends 20 ms of silence: a stateless value cannot extrapolate what it never kept.
    public func concealLoss(into out: inout [Int16]) {
        out.append(contentsOf: repeatElement(0, count: frameSize))
    }
}
