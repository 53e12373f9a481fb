// swift-tools-version: 6.0
// Parley: a SIP softswitch with a built-in AI voice agent.
// Module map: docs/ARCHITECTURE.md. Lower layers never import higher ones.
import PackageDescription

let package = Package(
    name: "Parley",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "parley", targets: ["parley"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
    ],
    targets: [
        // C libraries (system-library targets; Swift never imports Sofia's headers directly).
        .systemLibrary(
            name: "CSofiaSIP",
            path: "Sources/CSofiaSIP",
            pkgConfig: "sofia-sip-ua",
            providers: [.apt(["libsofia-sip-ua-dev"])]
        ),
        // Non-variadic, opaque C façade over Sofia's nua (see Sources/CSofiaShims/include).
        .target(name: "CSofiaShims", dependencies: ["CSofiaSIP"], path: "Sources/CSofiaShims"),
        // Linux socket/epoll/timerfd wrappers for the media loops.
        .target(name: "CMediaShims", path: "Sources/CMediaShims"),

        // Wire formats and media building blocks (no I/O).
        .target(name: "SDP"),
        .target(name: "RTP"),
        .systemLibrary(name: "COpus", path: "Sources/COpus", pkgConfig: "opus",
                       providers: [.apt(["libopus-dev"])]),
        .systemLibrary(name: "CSpeexDSP", path: "Sources/CSpeexDSP", pkgConfig: "speexdsp",
                       providers: [.apt(["libspeexdsp-dev"])]),
        .systemLibrary(name: "CSpanDSP", path: "Sources/CSpanDSP", pkgConfig: "spandsp",
                       providers: [.apt(["libspandsp-dev"])]),
        // Non-variadic wrappers for opus_encoder_ctl / opus_decoder_ctl.
        .target(name: "CCodecShims", dependencies: ["COpus"], path: "Sources/CCodecShims"),
        .target(name: "Codecs", dependencies: ["COpus", "CSpeexDSP", "CSpanDSP", "CCodecShims"]),

        // SRTP (libsrtp2) with SDES keying.
        .systemLibrary(name: "CSRTP", path: "Sources/CSRTP", pkgConfig: "libsrtp2",
                       providers: [.apt(["libsrtp2-dev"])]),
        .target(name: "SRTP", dependencies: ["CSRTP", "RTP", "SDP"]),

        // Offline speech engines: system libraries (headers in Sources/C*/).
        .systemLibrary(name: "CEspeakNG", path: "Sources/CEspeakNG", pkgConfig: "espeak-ng",
                       providers: [.apt(["libespeak-ng-dev"])]),
        .systemLibrary(name: "CPocketSphinx", path: "Sources/CPocketSphinx", pkgConfig: "pocketsphinx",
                       providers: [.apt(["libpocketsphinx-dev", "pocketsphinx-en-us"])]),
        // WebRTC VAD: Debian ships the library but no header; cwebrtcvad.h declares the functions.
        .systemLibrary(name: "CWebRTCVAD", path: "Sources/CWebRTCVAD",
                       providers: [.apt(["libwebrtc-audio-processing-dev"])]),
        // Offline TTS/STT/VAD and the agent's voice channel (no I/O, no SIP).
        .target(name: "Speech", dependencies: [
            "Codecs", "CEspeakNG", "CPocketSphinx", "CWebRTCVAD",
            .product(name: "Logging", package: "swift-log"),
        ]),

        // Configuration (YAML with file:line errors).
        .target(name: "ParleyConfig", dependencies: [.product(name: "Yams", package: "Yams")]),

        // RTP sessions, sockets, media loops, players, echo.
        .target(name: "Media", dependencies: [
            "RTP", "Codecs", "SDP", "SRTP", "CMediaShims",
            .product(name: "Logging", package: "swift-log"),
        ]),

        // The Swift face of Sofia-SIP: typed events and commands on one SIP thread.
        .target(name: "SIP", dependencies: [
            "CSofiaShims",
            .product(name: "Logging", package: "swift-log"),
        ]),

        // Durable conversation workflow engine (knows nothing of telephony).
        .target(name: "Workflow", dependencies: [
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "CoreMetrics", package: "swift-metrics"),
        ]),

        // The AI agent: definitions (conf/agents), the version catalog, brains (scripted, OpenAI-compatible),
        // tools, and the runtime that drives a call's conversation workflow.
        .target(name: "Agent", dependencies: [
            "Workflow", "ParleyConfig", "Speech", "Codecs",
            .product(name: "Yams", package: "Yams"),
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "CoreMetrics", package: "swift-metrics"),
        ]),

        // Control plane: HTTP API, SSE events, web page, metrics, CDRs, CLI (the switch only via SwitchControl).
        .target(name: "Control", dependencies: [
            "Workflow",
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),

        // Digest auth, brute-force limiter, registrar + location service (no Sofia, no sockets).
        .target(name: "Registrar", dependencies: [
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "Logging", package: "swift-log"),
        ]),

        // SIP trunk registration (sans-I/O) and IP access lists; no dependencies.
        .target(name: "Trunks"),

        // Call legs, dialplan, extensions: where SIP meets media, and where the AI agent joins calls.
        .target(name: "Switch", dependencies: [
            "SIP", "Media", "SDP", "RTP", "Codecs", "SRTP", "ParleyConfig", "Registrar", "Trunks",
            "Agent", "Speech", "Workflow",
            .product(name: "Logging", package: "swift-log"),
        ]),

        // Test doubles and harnesses for real peers (processes, ports, audio analysis).
        .target(name: "ParleyTesting", dependencies: [
            "Codecs", "RTP",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
        ]),

        // Composition root.
        .executableTarget(name: "parley", dependencies: [
            "Switch", "ParleyConfig", "Workflow", "Registrar", "Speech", "Agent", "Control", "Trunks",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // A child process the workflow crash tests kill -9 and restart.
        .executableTarget(name: "WorkflowCrashHarness", dependencies: ["Workflow"]),

        .testTarget(name: "SDPTests", dependencies: ["SDP"]),
        .testTarget(name: "RTPTests", dependencies: ["RTP", "Codecs", "ParleyTesting"], exclude: ["Fixtures"]),
        .testTarget(name: "CodecsTests", dependencies: ["Codecs"]),
        .testTarget(name: "ConfigTests", dependencies: ["ParleyConfig"]),
        .testTarget(name: "MediaTests", dependencies: ["Media", "ParleyTesting"]),
        .testTarget(name: "SIPTests", dependencies: ["SIP", "ParleyTesting"]),
        .testTarget(name: "RegistrarTests", dependencies: ["Registrar"]),
        .testTarget(name: "TrunksTests", dependencies: ["Trunks"]),
        .testTarget(name: "SwitchTests", dependencies: [
            "Switch", "ParleyConfig", "ParleyTesting", "Trunks", "Speech", .product(name: "Logging", package: "swift-log"),
        ]),
        .testTarget(name: "ControlTests", dependencies: [
            "Control", "Workflow", .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .testTarget(name: "AgentTests", dependencies: [
            "Agent", "Workflow", "ParleyConfig", "ParleyTesting", "Speech", "Codecs",
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
        ]),
        .testTarget(name: "SpeechTests", dependencies: [
            "Speech", .product(name: "Logging", package: "swift-log"),
        ]),
        .testTarget(name: "SRTPTests", dependencies: ["SRTP", "RTP", "SDP"]),
        .testTarget(name: "WorkflowTests", dependencies: ["Workflow", "WorkflowCrashHarness"], exclude: ["Fixtures"]),
        .testTarget(name: "ParleyTestingTests", dependencies: ["ParleyTesting"]),
        .testTarget(name: "IntegrationTests", dependencies: [
            "ParleyTesting", "parley", "RTP", "Codecs", "Registrar", "Workflow", "Agent", "Speech", "Control",
        ]),
    ],
    swiftLanguageModes: [.v6]
)
