import Foundation
import Logging
import Media
import ParleyConfig
import RTP
import SIP

/// A conference: a named room of N calls. SIP thread only.
final class Conference {
    let name: String
    let settings: ParleyConfiguration.ConferenceSettings
    let room: Room
    var members: [Call] = []
    var recordingPath: String?

    init(name: String, settings: ParleyConfiguration.ConferenceSettings, room: Room) {
        self.name = name
        self.settings = settings
        self.room = room
    }

    var moderators: Int { members.filter { $0.conferenceRole == .moderator }.count }
}

/// Where a conference caller is: entering the PIN, or in the room.
enum ConferenceRole: Equatable {
    case none
    case enteringPIN(digits: String, attempts: Int)
    case member
    case moderator
}

/// Conferences: the `conference` dialplan action. A caller answers a PIN prompt when the entry has
/// a PIN (digits then #; three tries), joins the named room (created on first join, closed when
/// the last member leaves), and controls its own membership with DTMF:
/// 0 mute/unmute, 4/6 hear quieter/louder, 7/9 speak quieter/louder.
extension Switch {
    static let pinAttempts = 3
    static let pinTimeoutMilliseconds = 30_000

    /// The call was answered (or its ACK brought the answer): prompt for the PIN or join.
    func startConference(_ call: Call) {
        guard case .conference(_, let settings) = call.target, call.conferenceRole == .none, call.conference == nil else { return }
        if settings.pin != nil || settings.moderatorPIN != nil {
            call.conferenceRole = .enteringPIN(digits: "", attempts: 0)
            play(prompt: "en/conf-pin", to: call)
            call.answerTimer = sip.schedule(after: Self.pinTimeoutMilliseconds) { [weak self, weak call] in
                guard let self, let call, case .enteringPIN = call.conferenceRole else { return }
                call.answerTimer = nil
                self.hangUp(call, reason: "no conference PIN entered")
            }
        } else {
            joinConference(call, moderator: false)
        }
    }

    /// A digit from a conference caller: PIN entry, or a member control.
    func conferenceDigit(_ digit: Character, call: Call) -> Bool {
        guard case .conference(_, let settings) = call.target else { return false }
        switch call.conferenceRole {
        case .none:
            return true
        case .enteringPIN(let digits, let attempts):
            guard digit == "#" else {
                call.conferenceRole = .enteringPIN(digits: String((digits + String(digit)).suffix(16)), attempts: attempts)
                return true
            }
            if let moderatorPIN = settings.moderatorPIN, digits == moderatorPIN {
                joinConference(call, moderator: true)
            } else if digits == (settings.pin ?? "") {
                joinConference(call, moderator: false)
            } else if attempts + 1 >= Self.pinAttempts {
                call.logger.info("conference PIN refused; hanging up", metadata: ["attempts": "\(attempts + 1)"])
                hangUp(call, reason: "wrong conference PIN")
            } else {
                call.logger.info("conference PIN refused", metadata: ["attempt": "\(attempts + 1)"])
                call.conferenceRole = .enteringPIN(digits: "", attempts: attempts + 1)
                play(prompt: "en/conf-bad-pin", to: call)
            }
            return true
        case .member, .moderator:
            memberControl(digit, call: call)
            return true
        }
    }

    private func memberControl(_ digit: Character, call: Call) {
        guard let conference = call.conference else { return }
        let room = conference.room
        let member = call.stream.id
        switch digit {
        case "0":
            call.conferenceMuted.toggle()
            room.setMuted(member, call.conferenceMuted)
            if let clip = promptClip(call.conferenceMuted ? "en/conf-muted" : "en/conf-unmuted", rate: room.sampleRate) {
                room.play(clip, to: member)
            }
            call.logger.info(call.conferenceMuted ? "conference member muted" : "conference member unmuted")
        case "4", "6":
            call.conferenceHearVolume = max(-4, min(4, call.conferenceHearVolume + (digit == "6" ? 1 : -1)))
            room.setVolume(member, output: call.conferenceHearVolume)
        case "7", "9":
            call.conferenceTalkVolume = max(-4, min(4, call.conferenceTalkVolume + (digit == "9" ? 1 : -1)))
            room.setVolume(member, input: call.conferenceTalkVolume)
        default:
            break
        }
    }

    private func joinConference(_ call: Call, moderator: Bool) {
        guard case .conference(let name, let settings) = call.target else { return }
        if let timer = call.answerTimer { sip.cancelTimer(timer) }
        call.answerTimer = nil
        if enterConference(call, name: name, settings: settings, moderator: moderator) == nil {
            hangUp(call, reason: "conference full")
        }
    }

    /// Puts the call's stream in conference `name` (opened on first use); nil when it is full.
    func enterConference(_ call: Call, name: String, settings: ParleyConfiguration.ConferenceSettings,
                         moderator: Bool) -> Conference? {
        let conference = conferences[name] ?? openConference(name, settings: settings)
        guard conference.members.count < settings.maxMembers else {
            call.logger.info("conference full", metadata: ["room": "\(name)"])
            if conference.members.isEmpty {
                conference.room.close()
                conferences.removeValue(forKey: name)
            }
            return nil
        }
        call.conferenceRole = moderator ? .moderator : .member
        call.conference = conference
        conference.members.append(call)
        call.stream.play(.silence)
        conference.room.add(call.stream)
        if settings.tones { conference.room.play(ToneClips.join(sampleRate: conference.room.sampleRate)) }
        call.logger.info("joined conference", metadata: ["room": "\(name)", "members": "\(conference.members.count)",
                                                         "moderator": "\(moderator)"])
        return conference
    }

    private func openConference(_ name: String, settings: ParleyConfiguration.ConferenceSettings) -> Conference {
        let room = media.openRoom(sampleRate: settings.sampleRate) { [weak self] event in self?.roomEvent(event) }
        // A conference always mixes: members come and go, and tones or prompts may play at any time.
        room.setRelayAllowed(false)
        let conference = Conference(name: name, settings: settings, room: room)
        conferences[name] = conference
        if settings.record {
            let stamp = Self.recordingStamp.string(from: Date())
            let path = configuration.dataDirectory.appendingPathComponent("recordings/conference-\(name)-\(stamp).wav").path
            do {
                try room.startRecording(path: path)
                conference.recordingPath = path
                logger.info("recording conference", metadata: ["room": "\(name)", "path": "\(path)"])
            } catch {
                logger.error("cannot record conference \(name): \(error)")
            }
        }
        logger.info("conference opened", metadata: ["room": "\(name)"])
        return conference
    }

    /// The call left (hung up or was hung up): take it out, and end the room when it is empty or
    /// its last moderator left with `end_with_moderator`.
    func leaveConference(_ call: Call) {
        guard let conference = call.conference else { return }
        call.conference = nil
        let wasModerator = call.conferenceRole == .moderator
        conference.members.removeAll { $0 === call }
        conference.room.remove(member: call.stream.id)
        call.logger.info("left conference", metadata: ["room": "\(conference.name)", "members": "\(conference.members.count)"])
        if conference.settings.endWithModerator, wasModerator, conference.moderators == 0 {
            for member in conference.members { hangUp(member, reason: "moderator left the conference") }
        } else if conference.settings.tones, !conference.members.isEmpty {
            conference.room.play(ToneClips.leave(sampleRate: conference.room.sampleRate))
        }
        if conference.members.isEmpty {
            let name = conference.name
            let path = conference.recordingPath
            let log = logger
            conference.room.stopRecording { seconds in
                if let path { log.info("conference recording closed", metadata: ["path": "\(path)", "seconds": "\(String(format: "%.1f", seconds))"]) }
            }
            conference.room.close()
            conferences.removeValue(forKey: name)
            logger.info("conference closed", metadata: ["room": "\(name)"])
        }
    }

    /// Room events arrive on a media thread.
    func roomEvent(_ event: RoomEvent) {
        if case .talking(let room, let member, let talking) = event {
            sip.perform { [self] in
                guard let call = call(forStream: member) else { return }
                call.logger.debug(talking ? "talking" : "stopped talking", metadata: ["room": "\(room)"])
            }
        }
    }

    /// Whether a new caller fits in the room it dialled.
    func conferenceHasRoom(_ name: String, settings: ParleyConfiguration.ConferenceSettings) -> Bool {
        (conferences[name]?.members.count ?? 0) < settings.maxMembers
    }

    private func play(prompt: String, to call: Call) {
        guard let clip = promptClip(prompt, rate: call.sampleRate) else { return }
        call.stream.play(.sound(clip, loop: false))
    }

    func promptClip(_ name: String, rate: Int) -> SoundClip? {
        do {
            return try sounds.clip(at: configuration.soundFile(name, sampleRate: rate), sampleRate: rate)
        } catch {
            logger.error("cannot load prompt \(name): \(error)")
            return nil
        }
    }

    nonisolated(unsafe) static let recordingStamp: DateFormatter = {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyyMMdd-HHmmss"
        return f
    }()
}
