import Codecs
import Foundation

/// Records 16-bit mono PCM to a WAV file without blocking the media thread, and keeps the file
/// readable whatever happens to the process.
///
/// The media thread appends frames to a buffer; every half second the buffer goes to a serial
/// writer queue that appends it to the file and patches the RIFF and `data` sizes in the header.
/// So a file cut short by a crash or `kill -9` has a header at most half a second behind its data,
/// and ``repair(_:)`` (run on start by ``repairAll(in:)``) sets the sizes from the file's real
/// length. ``finish(completion:)`` flushes, patches and closes.
public final class WAVRecorder: @unchecked Sendable {
    public let path: String
    public let sampleRate: Int
    private let handle: FileHandle
    private let queue: DispatchQueue
    // Media thread only.
    private var pending: [Int16] = []
    private let flushSamples: Int
    private var finished = false
    // Writer queue only.
    private var dataBytes = 0

    /// Creates (or truncates) the file and writes a header whose sizes say "empty so far".
    public init(path: String, sampleRate: Int) throws(MediaError) {
        self.path = path
        self.sampleRate = sampleRate
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty { try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) }
        guard FileManager.default.createFile(atPath: path, contents: Data(Self.header(sampleRate: sampleRate, dataBytes: 0))),
              let handle = FileHandle(forWritingAtPath: path)
        else { throw MediaError("cannot create recording \(path)") }
        self.handle = handle
        flushSamples = sampleRate / 2
        queue = DispatchQueue(label: "parley-recorder")
        pending.reserveCapacity(flushSamples + sampleRate / 50)
        do { try handle.seekToEnd() } catch { throw MediaError("cannot write recording \(path): \(error)") }
    }

    /// Appends one frame (media thread).
    public func append(_ frame: UnsafeBufferPointer<Int16>) {
        guard !finished else { return }
        pending.append(contentsOf: frame)
        if pending.count >= flushSamples { flush() }
    }

    /// Appends `count` samples of silence (a tick where the room was silent).
    public func appendSilence(_ count: Int) {
        guard !finished else { return }
        pending.append(contentsOf: repeatElement(0, count: count))
        if pending.count >= flushSamples { flush() }
    }

    private func flush() {
        let chunk = pending
        pending.removeAll(keepingCapacity: true)
        queue.async { [self] in write(chunk) }
    }

    private func write(_ samples: [Int16]) {
        guard !samples.isEmpty else { return }
        var bytes = [UInt8](repeating: 0, count: samples.count * 2)
        for (i, s) in samples.enumerated() {
            let v = UInt16(bitPattern: s)
            bytes[2 * i] = UInt8(v & 0xFF)
            bytes[2 * i + 1] = UInt8(v >> 8)
        }
        do {
            try handle.seekToEnd()
            try handle.write(contentsOf: bytes)
            dataBytes += bytes.count
            try patchSizes()
        } catch {
            // A full disk loses the tail of the recording, never the call.
        }
    }

    private func patchSizes() throws {
        try handle.seek(toOffset: 4)
        try handle.write(contentsOf: Self.littleEndian(UInt32(clamping: 36 + dataBytes)))
        try handle.seek(toOffset: 40)
        try handle.write(contentsOf: Self.littleEndian(UInt32(clamping: dataBytes)))
    }

    /// Flushes what is buffered, patches the header and closes (media thread, once). `completion`
    /// runs on the writer queue with the seconds recorded.
    public func finish(completion: (@Sendable (Double) -> Void)? = nil) {
        guard !finished else { return }
        finished = true
        let chunk = pending
        pending = []
        let rate = sampleRate
        queue.async { [self] in
            write(chunk)
            try? handle.synchronize()
            try? handle.close()
            completion?(Double(dataBytes / 2) / Double(rate))
        }
    }

    /// Blocks until everything handed to the writer is on disk (tests, shutdown).
    public func waitForWrites() {
        queue.sync {}
    }

    static func header(sampleRate: Int, dataBytes: Int) -> [UInt8] {
        WAVFile.header(format: .pcm16, sampleRate: sampleRate, channels: 1, dataLength: dataBytes)
    }

    static func littleEndian(_ v: UInt32) -> [UInt8] {
        [UInt8(v & 0xFF), UInt8((v >> 8) & 0xFF), UInt8((v >> 16) & 0xFF), UInt8(v >> 24)]
    }

    // MARK: repair after a crash

    /// Sets a 16-bit PCM WAV file's RIFF and `data` sizes from its real length (dropping a
    /// trailing half sample). Returns true when the file needed it. Files that are not a
    /// canonical 44-byte-header PCM WAV are left alone.
    @discardableResult
    public static func repair(_ path: String) -> Bool {
        guard let handle = FileHandle(forUpdatingAtPath: path) else { return false }
        defer { try? handle.close() }
        guard let head = try? handle.read(upToCount: 44), head.count == 44,
              head.starts(with: Array("RIFF".utf8)), head[8..<12].elementsEqual(Array("WAVE".utf8)),
              head[36..<40].elementsEqual(Array("data".utf8)),
              let end = try? handle.seekToEnd()
        else { return false }
        var data = Int(end) - 44
        if data % 2 != 0 {
            data -= 1
            try? handle.truncate(atOffset: UInt64(44 + data))
        }
        let riff = head[4..<8].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        let size = head[40..<44].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        guard riff != 36 + data || size != data else { return false }
        do {
            try handle.seek(toOffset: 4)
            try handle.write(contentsOf: littleEndian(UInt32(clamping: 36 + data)))
            try handle.seek(toOffset: 40)
            try handle.write(contentsOf: littleEndian(UInt32(clamping: data)))
            try handle.synchronize()
        } catch {
            return false
        }
        return true
    }

    /// Repairs every `.wav` under `directory` (not recursive); returns the paths it fixed.
    public static func repairAll(in directory: String) -> [String] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return [] }
        return names.filter { $0.hasSuffix(".wav") }.sorted().map { "\(directory)/\($0)" }.filter { repair($0) }
    }
}
