/// The keys one negotiated SRTP stream uses: ours protect what we send, the peer's unprotect
/// what we receive (RFC 4568 §6.1: each side announces the key it sends with).
public struct SRTPSessionKeys: Sendable, Equatable {
    /// The key in our a=crypto line, for the sender context.
    public var local: SRTPMasterKey
    /// The key in the peer's a=crypto line, for the receiver context.
    public var remote: SRTPMasterKey

    /// Both keys always share one suite.
    public var suite: SRTPSuite { local.suite }

    public init(local: SRTPMasterKey, remote: SRTPMasterKey) {
        self.local = local
        self.remote = remote
    }
}

/// The sender and receiver contexts of one stream, and the keys they were made from.
///
/// Owned, like its contexts, by the stream's media thread. On a re-INVITE, ``rekey(to:)``
/// replaces only the contexts whose key changed: a peer that keeps its key keeps its receiver
/// context, whose rollover counter a fresh context would lose after the first 65536 packets.
public struct SRTPSession: Sendable {
    public private(set) var keys: SRTPSessionKeys
    public private(set) var sender: SRTPContext
    public private(set) var receiver: SRTPContext
    public let replayWindow: Int

    /// Which contexts ``rekey(to:)`` replaced.
    public struct Replaced: Sendable, Equatable {
        public var sender: Bool
        public var receiver: Bool

        public init(sender: Bool, receiver: Bool) {
            self.sender = sender
            self.receiver = receiver
        }
    }

    public init(keys: SRTPSessionKeys, replayWindow: Int = SRTPContext.defaultReplayWindow) throws(SRTPError) {
        self.keys = keys
        self.replayWindow = replayWindow
        sender = try SRTPContext(.sender, key: keys.local, replayWindow: replayWindow)
        receiver = try SRTPContext(.receiver, key: keys.remote, replayWindow: replayWindow)
    }

    /// Switches to `newKeys`, making new contexts only for keys that changed. If creating one
    /// fails, nothing changes.
    @discardableResult
    public mutating func rekey(to newKeys: SRTPSessionKeys) throws(SRTPError) -> Replaced {
        let newSender = newKeys.local == keys.local ? nil : try SRTPContext(.sender, key: newKeys.local, replayWindow: replayWindow)
        let newReceiver = newKeys.remote == keys.remote ? nil : try SRTPContext(.receiver, key: newKeys.remote, replayWindow: replayWindow)
        if let newSender { sender = newSender }
        if let newReceiver { receiver = newReceiver }
        keys = newKeys
        return Replaced(sender: newSender != nil, receiver: newReceiver != nil)
    }
}
