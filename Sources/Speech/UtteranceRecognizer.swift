/// Turns utterances of audio into words, fed from a media thread without ever blocking it.
///
/// ``RecognizerSession`` is the pocketsphinx implementation; tests and other engines (a cloud
/// STT behind the same interface) provide their own. Results go wherever the implementation was
/// told at creation (for the agent, ``AgentVoiceChannel/receive(_:)``), later and from another
/// thread: an ``AgentVoiceChannel`` calls these methods while holding its lock, so they must
/// return quickly and must not call back into the channel synchronously.
public protocol UtteranceRecognizer: AnyObject, Sendable {
    /// Starts a new utterance (audio before it is not decoded).
    func beginUtterance()
    /// Queues a frame of the current utterance; false when it was dropped (queue full, closed).
    @discardableResult
    func accept(_ frame: UnsafeBufferPointer<Int16>) -> Bool
    /// Ends the utterance; its final result follows.
    func endUtterance()
}
