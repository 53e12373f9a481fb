import Foundation
import XCTest

@testable import ParleyTesting

final class ChildProcessTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = try PeerFiles.scratchDirectory("child-process")
    }

    private func shell(_ script: String, environment: [String: String]? = nil, in workingDirectory: URL? = nil) -> ChildProcess {
        ChildProcess(executable: "sh", arguments: ["-c", script], environment: environment,
                     workingDirectory: workingDirectory, logFile: directory.appendingPathComponent("\(UUID().uuidString).log"))
    }

    func testExitStatusAndBothStreamsInTheLog() throws {
        let child = shell("echo to-stdout; echo to-stderr >&2; exit 3")
        try child.start()
        XCTAssertGreaterThan(child.pid, 0)
        XCTAssertEqual(child.waitForExit(timeout: 60), 3)
        XCTAssertFalse(child.isRunning)
        XCTAssertTrue(child.output().contains("to-stdout"))
        XCTAssertTrue(child.output().contains("to-stderr"))
    }

    func testEnvironmentAndWorkingDirectory() throws {
        let child = shell("echo \"value=$PARLEY_PROBE\"; pwd", environment: ["PARLEY_PROBE": "42", "PATH": "/usr/bin:/bin"],
                          in: directory)
        try child.start()
        XCTAssertEqual(child.waitForExit(timeout: 60), 0)
        XCTAssertTrue(child.output().contains("value=42"))
        XCTAssertTrue(child.output().contains(directory.lastPathComponent), child.output())
    }

    func testTerminateSendsSIGTERMToItsPid() throws {
        let child = ChildProcess(executable: "sleep", arguments: ["120"], logFile: directory.appendingPathComponent("sleep.log"))
        try child.start()
        XCTAssertTrue(child.isRunning)
        XCTAssertNil(child.waitForExit(timeout: 0.2), "still running")
        child.terminate(grace: 10)
        XCTAssertFalse(child.isRunning)
        XCTAssertEqual(child.exitStatus, 128 + SIGTERM)
    }

    func testTerminateFallsBackToSIGKILL() throws {
        // The exec'd sleep inherits the ignored SIGTERM, so only SIGKILL ends it.
        let child = shell("trap '' TERM; echo ready; exec sleep 120")
        try child.start()
        XCTAssertTrue(child.waitForOutput(containing: "ready", timeout: 30))
        child.terminate(grace: 0.5)
        XCTAssertFalse(child.isRunning)
        XCTAssertEqual(child.exitStatus, 128 + SIGKILL)
    }

    func testWaitForOutput() throws {
        let child = shell("sleep 0.2; echo marker-line; exec sleep 120")
        try child.start()
        XCTAssertTrue(child.waitForOutput(containing: "marker-line", timeout: 60))
        child.terminate()

        let quitter = shell("echo something-else")
        try quitter.start()
        XCTAssertFalse(quitter.waitForOutput(containing: "marker-line", timeout: 60), "ended without printing it")
    }

    func testDeinitKillsARunningChild() throws {
        var pid: Int32 = 0
        do {
            let child = ChildProcess(executable: "sleep", arguments: ["120"], logFile: directory.appendingPathComponent("orphan.log"))
            try child.start()
            pid = child.pid
            XCTAssertEqual(kill(pid, 0), 0, "alive while the object lives")
        }
        XCTAssertGreaterThan(pid, 0)
        XCTAssertEqual(kill(pid, 0), -1, "gone once the object is released")
        XCTAssertEqual(errno, ESRCH)
    }

    func testMissingExecutableAndDoubleStart() throws {
        let missing = ChildProcess(executable: "parley-no-such-tool", arguments: [], logFile: directory.appendingPathComponent("x.log"))
        XCTAssertThrowsError(try missing.start()) { error in
            guard case .executableNotFound(let name)? = error as? HarnessError else { return XCTFail("\(error)") }
            XCTAssertEqual(name, "parley-no-such-tool")
        }
        let child = shell("exit 0")
        try child.start()
        XCTAssertThrowsError(try child.start())
        XCTAssertEqual(child.waitForExit(timeout: 60), 0)
    }

    func testToneWAVRoundTripsThroughTheReader() throws {
        let url = try PeerFiles.toneWAV(frequency: 697, seconds: 0.5, sampleRate: 16000, amplitude: 9000, in: directory)
        let (samples, rate) = try PeerFiles.readMonoPCM16(url)
        XCTAssertEqual(rate, 16000)
        XCTAssertEqual(samples, AudioAnalysis.tone(frequency: 697, seconds: 0.5, sampleRate: 16000, amplitude: 9000))
        let notWAV = directory.appendingPathComponent("not.wav")
        try Data("hello".utf8).write(to: notWAV)
        XCTAssertThrowsError(try PeerFiles.readMonoPCM16(notWAV))
    }

    func testScratchDirectoriesAreFreshAndNamed() throws {
        let first = try PeerFiles.scratchDirectory("peer")
        let second = try PeerFiles.scratchDirectory("peer")
        XCTAssertNotEqual(first, second)
        XCTAssertEqual(first.lastPathComponent, "peer")
        XCTAssertTrue(first.deletingLastPathComponent().lastPathComponent.hasPrefix("parley-test-"))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: first.path), [])
        XCTAssertTrue(FileManager.default.fileExists(atPath: PeerFiles.file("baresip/config.template").path),
                      "PeerFiles.root points at Tests/Peers: \(PeerFiles.root.path)")
    }
}
