import Agent
import Codecs
import Foundation
import ParleyTesting
import Speech
import Synchronization
import Workflow
import XCTest

/// What the agent tests need around a call: spoken WAVs made with espeak-ng, transcripts of
/// what a phone heard (pocketsphinx), and the conversations Parley stored.
enum AgentCallSupport {
    /// The repository's agent folder.
    static var repoAgents: URL { ParleyServer.repoRoot.appendingPathComponent("conf/agents") }

    /// A copy of the repository's agents in a scratch folder, with `edit` applied to the
    /// receptionist's YAML text (e.g. shorter timeouts).
    static func agentsFolder(_ name: String, edit: (String) -> String = { $0 }) throws -> URL {
        let folder = try PeerFiles.scratchDirectory("agents-\(name)")
        try? FileManager.default.removeItem(at: folder)
        try FileManager.default.copyItem(at: repoAgents, to: folder)
        let file = folder.appendingPathComponent("receptionist.yaml")
        let text = try String(contentsOf: file, encoding: .utf8)
        try edit(text).write(to: file, atomically: true, encoding: .utf8)
        return folder
    }

    /// `text` spoken by espeak-ng at 8 kHz.
    static func speech(_ text: String) throws -> [Int16] {
        try SpeechSynthesizer.shared.synthesizeAll(text, options: SynthesisOptions(sampleRate: 8000)).samples
    }

    static func silence(_ seconds: Double) -> [Int16] {
        [Int16](repeating: 0, count: Int(seconds * 8000))
    }

    /// Writes an 8 kHz mono WAV for baresip to play (its length is the call's length).
    static func wav(_ name: String, _ samples: [Int16]) throws -> URL {
        let file = try PeerFiles.scratchDirectory("wav-agent-\(name)").appendingPathComponent("source.wav")
        try Data(WAVFile.pcm16(samples: samples, sampleRate: 8000).serialized()).write(to: file)
        return file
    }

    /// What pocketsphinx (language model) makes of `samples` (8 or 16 kHz), lower-cased: each
    /// stretch of sound between pauses of 300 ms or more is decoded as its own utterance.
    static func transcribe(_ samples: ArraySlice<Int16>, sampleRate: Int) throws -> String {
        let frame = sampleRate / 50
        var segments: [ArraySlice<Int16>] = []
        var start: Int?
        var quiet = 0
        var index = samples.startIndex
        while index + frame <= samples.endIndex {
            let loud = AudioAnalysis.rms(Array(samples[index..<(index + frame)])) > 150
            if loud {
                if start == nil { start = max(samples.startIndex, index - 5 * frame) }
                quiet = 0
            } else if let s = start {
                quiet += 1
                if quiet >= 15 {
                    segments.append(samples[s..<min(samples.endIndex, index + frame)])
                    start = nil
                }
            }
            index += frame
        }
        if let s = start { segments.append(samples[s..<samples.endIndex]) }
        return try segments.map { try decode($0, sampleRate: sampleRate) }.filter { !$0.isEmpty }.joined(separator: " ")
    }

    private static func decode(_ samples: ArraySlice<Int16>, sampleRate: Int) throws -> String {
        let finals = Mutex<[String]>([])
        let done = DispatchSemaphore(value: 0)
        let session = try SpeechRecognizer().makeSession(mode: .languageModel, inputSampleRate: sampleRate) { event in
            switch event {
            case .final(let result):
                finals.withLock { $0.append(result.text) }
                done.signal()
            case .failed:
                done.signal()
            default:
                break
            }
        }
        defer { session.close() }
        let frame = sampleRate / 50
        session.beginUtterance()
        var start = samples.startIndex
        while start + frame <= samples.endIndex {
            let chunk = Array(samples[start..<(start + frame)])
            chunk.withUnsafeBufferPointer { _ = session.accept($0) }
            start += frame
        }
        session.endUtterance()
        _ = done.wait(timeout: .now() + 120)
        return finals.withLock { $0.joined(separator: " ") }.lowercased()
    }

    /// The samples of the last recording of what `phone` received.
    static func received(_ phone: Baresip) throws -> (samples: [Int16], rate: Int) {
        let url = try XCTUnwrap(phone.receivedRecording, "no recording in \(phone.recordingDirectory.path)")
        let wav = try WAVFile(contentsOf: url)
        return (try XCTUnwrap(wav.pcm16Samples), wav.sampleRate)
    }

    /// Every conversation Parley stored in `dataDirectory` (run after Parley stopped), with its
    /// turns as replayed from the durable history.
    static func conversations(in dataDirectory: URL) throws -> [(id: String, turns: [Turn])] {
        let path = dataDirectory.appendingPathComponent("conversations.sqlite").path
        let result = Mutex<Result<[(id: String, turns: [Turn])], any Error>?>(nil)
        let done = DispatchSemaphore(value: 0)
        Task {
            do {
                let store = try WorkflowStore(path: path)
                defer { store.close() }
                let engine = try WorkflowEngine(store: store, definition: ConversationWorkflow(version: AgentRuntime.workflowVersion, idleAllowsForSpeech: true)) { _, _ in
                    throw ActivityFailure(type: "inspection", message: "no activities while inspecting")
                }
                var out: [(id: String, turns: [Turn])] = []
                for summary in try await store.list() {
                    let machine = try await engine.replayStored(summary.id)
                    out.append((summary.id.rawValue, machine.state?.turns ?? []))
                }
                engine.shutdown()
                result.withLock { $0 = .success(out) }
            } catch {
                result.withLock { $0 = .failure(error) }
            }
            done.signal()
        }
        _ = done.wait(timeout: .now() + 60)
        guard let outcome = result.withLock({ $0 }) else { throw ProbeError("reading conversations timed out") }
        return try outcome.get()
    }

    /// RMS of `samples[from..<to]` seconds (clamped).
    static func rms(_ samples: [Int16], rate: Int, from: Double, to: Double) -> Double {
        let a = max(0, min(samples.count, Int(from * Double(rate))))
        let b = max(a, min(samples.count, Int(to * Double(rate))))
        return AudioAnalysis.rms(Array(samples[a..<b]))
    }
}
