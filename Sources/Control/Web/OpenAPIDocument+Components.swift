// Generated from docs/openapi.yaml by OpenAPITests (PARLEY_UPDATE_OPENAPI=1): do not edit.
extension OpenAPIDocument {
    /// The document's components.
    static let components = #"""
components:
  securitySchemes:
    bearer:
      type: http
      scheme: bearer
    accessToken:
      type: apiKey
      in: query
      name: access_token
  parameters:
    CallID:
      name: id
      in: path
      required: true
      schema: {type: string}
    RoomID:
      name: room
      in: path
      required: true
      schema: {type: string}
    ConversationID:
      name: id
      in: path
      required: true
      schema: {type: string}
    Since:
      name: since
      in: query
      description: Started at or after (RFC 3339 or YYYY-MM-DD).
      schema: {$ref: "#/components/schemas/TimeParameter"}
    Until:
      name: until
      in: query
      description: Started before (RFC 3339 or YYYY-MM-DD).
      schema: {$ref: "#/components/schemas/TimeParameter"}
    EventTypes:
      name: types
      in: query
      description: Comma-separated event types to keep.
      schema:
        type: string
        pattern: "^(callIncoming|callAnswered|callEnded|transcript|agentSpeaking|agentInterrupted|toolCallStarted|toolCallFinished|workflowEvent|dtmf|holdProgress|transferProgress|registrationChanged)(,(callIncoming|callAnswered|callEnded|transcript|agentSpeaking|agentInterrupted|toolCallStarted|toolCallFinished|workflowEvent|dtmf|holdProgress|transferProgress|registrationChanged))*$"
    EventCall:
      name: call
      in: query
      description: Only events of this call.
      schema: {type: string}
    EventConversation:
      name: conversation
      in: query
      description: Only events of this conversation.
      schema: {type: string}
  responses:
    Error:
      description: An error.
      content:
        application/json:
          schema: {$ref: "#/components/schemas/Error"}
  schemas:
    TimeParameter:
      type: string
      pattern: "^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])(T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\\.[0-9]{1,9})?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9]))?$"
    Target:
      type: string
      description: An extension, a number or a URI; no spaces.
      pattern: "^[^\\s]{1,256}$"
    Error:
      type: object
      required: [error]
      properties:
        error:
          type: object
          required: [code, message]
          properties:
            code: {type: string}
            message: {type: string}
    Timestamp:
      type: string
      format: date-time
    LiveCall:
      type: object
      required: [id, state, direction, from, to, legs, startedAt]
      properties:
        id: {type: string}
        state: {type: string, enum: [ringing, answered, held, transferring, ending]}
        direction: {type: string, enum: [inbound, outbound, internal]}
        from: {type: string}
        to: {type: string}
        legs:
          type: array
          items: {$ref: "#/components/schemas/CallLeg"}
        room: {type: string}
        trunk: {type: string}
        startedAt: {$ref: "#/components/schemas/Timestamp"}
        answeredAt: {$ref: "#/components/schemas/Timestamp"}
        conversationID: {type: string}
    CallLeg:
      type: object
      required: [id, remoteURI, state, srtp, onHold]
      properties:
        id: {type: string}
        remoteURI: {type: string}
        state: {type: string, enum: [trying, ringing, answered, held, ending]}
        codec: {type: string}
        srtp: {type: boolean}
        onHold: {type: boolean}
        quality: {$ref: "#/components/schemas/MediaQuality"}
    MediaQuality:
      type: object
      required: [packetsReceived, packetsSent, packetsLost, jitterMilliseconds]
      properties:
        packetsReceived: {type: integer}
        packetsSent: {type: integer}
        packetsLost: {type: integer}
        jitterMilliseconds: {type: number}
        roundTripMilliseconds: {type: number}
        mos: {type: number}
    OriginateRequest:
      type: object
      required: [to, connectTo]
      properties:
        to:
          $ref: "#/components/schemas/Target"
          description: "Who Parley rings: a user's extension (each registered phone rings), a number the dialplan sends out on a trunk (the INVITE goes from the trunk's account and presents callerID, else the trunk's caller_id, in P-Asserted-Identity), or a sip: URI."
        connectTo:
          $ref: "#/components/schemas/Target"
          description: >-
            What the answered call is connected to: a dialplan number (echo, playback, a conference,
            an agent, another user, a number sent to a trunk), room:NAME (a conference, joined
            without its PIN) or agent:NAME.
        callerID: {type: string}
        timeoutSeconds: {type: integer, minimum: 1, maximum: 600}
    LegSelector:
      type: object
      properties:
        leg: {type: string, description: "caller (the default: the leg whose INVITE started the call) or callee (the leg it is bridged with)."}
    TransferRequest:
      oneOf:
        - type: object
          required: [mode, target]
          properties:
            mode: {const: blind}
            target: {$ref: "#/components/schemas/Target"}
        - type: object
          required: [mode, withCall]
          properties:
            mode: {const: attended}
            withCall: {type: string, description: The consultation call.}
    PlayRequest:
      type: object
      required: [sound]
      properties:
        sound:
          type: string
          description: A name or relative path in the sounds folder.
          pattern: "^(?!/)(?!(.*/)?\\.\\.(/|$))[^\\r\\n]+$"
        loop: {type: boolean}
    RecordingInfo:
      type: object
      required: [path, active]
      properties:
        path: {type: string}
        active: {type: boolean}
        startedAt: {$ref: "#/components/schemas/Timestamp"}
    Room:
      type: object
      required: [id, kind, sampleRate, members, createdAt]
      properties:
        id: {type: string}
        kind: {type: string, enum: [call, conference, hold]}
        sampleRate: {type: integer}
        members:
          type: array
          items:
            type: object
            required: [id, kind, displayName, muted, deaf, volume, talking, joinedAt]
            properties:
              id: {type: string}
              kind: {type: string, enum: [leg, agent, player, recorder]}
              displayName: {type: string}
              callID: {type: string}
              legID: {type: string}
              muted: {type: boolean}
              deaf: {type: boolean}
              volume: {type: integer, minimum: -4, maximum: 4}
              talking: {type: boolean}
              joinedAt: {$ref: "#/components/schemas/Timestamp"}
        recording: {$ref: "#/components/schemas/RecordingInfo"}
        createdAt: {$ref: "#/components/schemas/Timestamp"}
    Registration:
      type: object
      required: [user, contacts]
      properties:
        user: {type: string}
        contacts:
          type: array
          items:
            type: object
            required: [uri, expiresAt, source, transport]
            properties:
              uri: {type: string}
              expiresAt: {$ref: "#/components/schemas/Timestamp"}
              source: {type: string}
              transport: {type: string}
              userAgent: {type: string}
              registeredAt: {$ref: "#/components/schemas/Timestamp"}
    Trunk:
      type: object
      required: [name, state, activeCalls]
      properties:
        name: {type: string}
        state: {type: string, enum: [unregistered, registering, registered, failed, disabled]}
        registrar: {type: string}
        expiresAt: {$ref: "#/components/schemas/Timestamp"}
        lastError: {type: string}
        activeCalls: {type: integer}
    ConversationSummary:
      type: object
      required: [id, type, version, status, startedAt, eventCount, run]
      properties:
        id: {type: string}
        type: {type: string}
        version: {type: string, description: The agent definition version the conversation is pinned to.}
        agent: {type: string}
        status: {type: string, enum: [running, completed, failed]}
        phase: {type: string, enum: [active, ending, ended]}
        caller: {type: string}
        callee: {type: string}
        startedAt: {$ref: "#/components/schemas/Timestamp"}
        finishedAt: {$ref: "#/components/schemas/Timestamp"}
        eventCount: {type: integer}
        run: {type: integer}
    ConversationHistory:
      type: object
      required: [conversation, events, timers, activities, turns]
      properties:
        conversation: {$ref: "#/components/schemas/ConversationSummary"}
        events:
          type: array
          items: {$ref: "#/components/schemas/HistoryEvent"}
        timers:
          type: array
          items:
            type: object
            required: [name, fireAt]
            properties:
              name: {type: string}
              fireAt: {$ref: "#/components/schemas/Timestamp"}
              scope: {type: string}
        activities:
          type: array
          items:
            type: object
            required: [id, kind, scheduledAt]
            properties:
              id: {type: string}
              kind: {type: string}
              scheduledAt: {$ref: "#/components/schemas/Timestamp"}
        turns:
          type: array
          items: {$ref: "#/components/schemas/Turn"}
        outcome:
          type: object
          required: [reason, digits, turnCount, durationSeconds, failed]
          properties:
            reason: {type: string}
            summary: {type: string}
            digits: {type: string}
            turnCount: {type: integer}
            durationSeconds: {type: number}
            failed: {type: boolean}
    HistoryEvent:
      type: object
      description: |
        One record of the log. `kind` says which other fields are present: started (caller,
        callee), signal (signal), update (updateID, update), timerFired (timer),
        activityCompleted (activity, output), activityFailed (activity, failure), scopeExpired
        (scope), cancelRequested and snapshot (none).
      required: [sequence, run, time, kind]
      properties:
        sequence: {type: integer}
        run: {type: integer}
        time: {$ref: "#/components/schemas/Timestamp"}
        kind:
          type: string
          enum: [started, signal, update, timerFired, activityCompleted, activityFailed, scopeExpired,
                 cancelRequested, snapshot]
        caller: {type: string}
        callee: {type: string}
        signal:
          $ref: "#/components/schemas/Signal"
          description: DTMF digits of a conversation whose agent keeps digits private show as "•".
        updateID: {type: integer}
        update: {$ref: "#/components/schemas/Update"}
        timer: {type: string}
        activity: {type: string}
        output:
          type: object
          required: [type, text]
          properties:
            type: {type: string, enum: [reply, agentReply, summary, toolOutput, delivered]}
            text: {type: string}
            toolCalls:
              type: array
              items: {$ref: "#/components/schemas/ToolCall"}
            status: {type: integer, description: The webhook's HTTP status (delivered).}
        failure:
          type: object
          required: [type, message, attempts]
          properties:
            type: {type: string}
            message: {type: string}
            attempts: {type: integer}
        scope: {type: string}
        detail: {type: string, description: Why a record could not be decoded.}
    Turn:
      type: object
      required: [speaker, text, at, interrupted]
      properties:
        speaker: {type: string, enum: [user, agent, tool]}
        text: {type: string}
        at: {$ref: "#/components/schemas/Timestamp"}
        interrupted: {type: boolean}
        toolCalls:
          type: array
          items: {$ref: "#/components/schemas/ToolCall"}
        toolResult:
          type: object
          required: [id, name, ok, detail]
          properties:
            id: {type: string}
            name: {type: string}
            ok: {type: boolean}
            detail: {type: string}
        isDTMF: {type: boolean}
    ToolCall:
      type: object
      required: [id, name, action, detail]
      properties:
        id: {type: string}
        name: {type: string}
        action: {type: string, enum: [transfer, hold, resume, hangUp, sendDTMF, collectDigits, joinConference, http]}
        detail: {type: string, description: "The target, digits, room, or the HTTP tool's name and JSON arguments."}
    Signal:
      oneOf:
        - type: object
          required: [type, text]
          properties:
            type: {const: transcript}
            text: {type: string, maxLength: 8000}
            isFinal: {type: [boolean, "null"], default: true, description: Absent or null means final.}
        - type: object
          required: [type, digit]
          properties:
            type: {const: dtmf}
            digit: {type: string, pattern: "^[0-9*#A-Da-d]$"}
        - type: object
          required: [type]
          properties:
            type: {const: hangUp}
        - type: object
          description: Everything the agent had to say has been played out (the idle wait starts now).
          required: [type]
          properties:
            type: {const: spoken}
        - type: object
          required: [type, heard]
          properties:
            type: {const: bargeIn}
            heard: {type: string, maxLength: 8000}
        - type: object
          description: The host's answer to a call action the agent asked for.
          required: [type, id, ok]
          properties:
            type: {const: toolResult}
            id: {type: string, minLength: 1}
            ok: {type: boolean}
            detail: {type: string, maxLength: 8000}
        - type: object
          description: The agent joined a conference room (null room - it left).
          required: [type]
          properties:
            type: {const: conference}
            room: {type: [string, "null"], pattern: "^[^\\s]+$"}
    Update:
      oneOf:
        - type: object
          required: [type, text]
          properties:
            type: {const: say}
            text: {type: string, pattern: "\\S", maxLength: 2000}
        - type: object
          required: [type, target]
          properties:
            type: {const: transfer}
            target: {$ref: "#/components/schemas/Target"}
        - type: object
          required: [type, question]
          properties:
            type: {const: ask}
            question: {type: string, pattern: "\\S"}
    UpdateResult:
      oneOf:
        - type: object
          required: [type, turn]
          properties:
            type: {const: said}
            turn: {type: integer}
        - type: object
          required: [type, target]
          properties:
            type: {const: transferring}
            target: {type: string}
        - type: object
          required: [type, text]
          properties:
            type: {const: answered}
            text: {type: string}
    QueryResult:
      type: object
      required: [query]
      properties:
        query: {type: string, enum: [turns, digits, status, state, pendingAction]}
        action: {$ref: "#/components/schemas/ToolCall"}
        turns:
          type: array
          items: {$ref: "#/components/schemas/Turn"}
        digits: {type: string}
        phase: {type: string}
        endReason: {type: string}
        state: {type: object}
    Agent:
      type: object
      required: [name, currentVersion, versions]
      properties:
        name: {type: string}
        description: {type: string}
        currentVersion: {type: string}
        versions:
          type: array
          items:
            type: object
            required: [version]
            properties:
              version: {type: string}
              loadedAt: {$ref: "#/components/schemas/Timestamp"}
              source: {type: string}
    ValidationReport:
      type: object
      required: [valid, problems]
      properties:
        valid: {type: boolean}
        name: {type: string}
        version: {type: string}
        problems:
          type: array
          items:
            type: object
            required: [message]
            properties:
              message: {type: string}
              line: {type: integer}
              column: {type: integer}
              path: {type: string}
    Disposition:
      type: string
      enum: [answered, no_answer, busy, rejected, cancelled, failed]
    CallRecord:
      type: object
      required: [callID, from, to, direction, startedAt, endedAt, disposition, codecs]
      properties:
        id: {type: integer}
        callID: {type: string}
        from: {type: string}
        to: {type: string}
        direction: {type: string, enum: [inbound, outbound, internal]}
        trunk: {type: string}
        startedAt: {$ref: "#/components/schemas/Timestamp"}
        answeredAt: {$ref: "#/components/schemas/Timestamp"}
        endedAt: {$ref: "#/components/schemas/Timestamp"}
        disposition: {$ref: "#/components/schemas/Disposition"}
        hangupCause: {type: string}
        codecs:
          type: array
          items: {type: string}
        quality:
          type: object
          required: [lossPercent, jitterMilliseconds, mos]
          properties:
            lossPercent: {type: number}
            jitterMilliseconds: {type: number}
            roundTripMilliseconds: {type: number}
            mos: {type: number}
        conversationID: {type: string}
        recordingPath: {type: string}
    ControlEvent:
      type: object
      description: One live event; `type` says which other fields are present (see the table above).
      required: [sequence, time, type]
      properties:
        sequence: {type: integer}
        time: {$ref: "#/components/schemas/Timestamp"}
        callID: {type: string}
        conversationID: {type: string}
        type:
          type: string
          enum: [callIncoming, callAnswered, callEnded, transcript, agentSpeaking, agentInterrupted,
                 toolCallStarted, toolCallFinished, workflowEvent, dtmf, holdProgress, transferProgress,
                 registrationChanged]
        from: {type: string}
        to: {type: string}
        trunk: {type: string}
        disposition: {type: string}
        reason: {type: string}
        text: {type: string}
        isFinal: {type: boolean}
        heard: {type: string}
        tool: {type: string}
        toolCallID: {type: string}
        arguments: {type: string}
        ok: {type: boolean}
        result: {type: string}
        digit: {type: string}
        stage: {type: string, enum: [holding, held, resuming, resumed, failed, requested, trying, completed]}
        target: {type: string}
        user: {type: string}
        contact: {type: string}
        change: {type: string, enum: [registered, refreshed, unregistered, expired]}
        kind:
          type: string
          enum: [started, signalReceived, updateAccepted, timerStarted, timerCancelled, timerFired,
                 activityCompleted, activityFailed, scopeExpired, cancelRequested]
        detail: {type: string}
        firesAt: {$ref: "#/components/schemas/Timestamp"}

"""#
}
