// Generated from docs/openapi.yaml by OpenAPITests (PARLEY_UPDATE_OPENAPI=1): do not edit.
extension OpenAPIDocument {
    /// The document's info and paths.
    static let head = #"""
openapi: 3.1.0
info:
  title: Parley control API
  version: "1.0"
  summary: Calls, rooms, conversations, agents, call records, live events and metrics of a Parley softswitch.
  description: |
    The control plane of Parley, served by `parley run` (`control:` in `conf/parley.yaml`). It
    listens on 127.0.0.1:8089 by default; on any other address it requires a bearer token
    (`control.token`, or `control.token_env` naming the environment variable that holds it). Send it as `Authorization: Bearer <token>`, or as
    the `access_token` query parameter where headers cannot be set (the browser's EventSource).
    The web page (`/`, `/app.js`, `/app.css`), this document and `/health` need no token.

    Every error is JSON with a proper status: `{"error": {"code": "unknown_call", "message": "no call c-9"}}`.
    Codes: `bad_request` and `bad_json` (400), `unauthorized` (401), `unknown_route`,
    `unknown_call`, `unknown_leg`, `unknown_room`, `unknown_member`, `unknown_conversation`,
    `unknown_agent`, `unknown_target`, `unknown_sound` (404), `method_not_allowed` (405, with an
    `Allow` header), `wrong_state`, `conversation_not_running`, `update_failed`,
    `target_unavailable` (409: the target exists but cannot be reached now, such as a user with
    no registered phone), `payload_too_large` (413),
    `update_rejected` (422: an update's validator refused it and nothing was written),
    `internal_error`, `workflow_error` (500), `not_implemented` (501), `unavailable` (503: the
    part of Parley behind the route is not attached).

    Timestamps are RFC 3339 UTC strings with milliseconds (`2026-11-21T09:30:00.125Z`); query
    parameters that take a time also accept a plain date (`2026-11-21`, midnight UTC). An empty
    query parameter counts as absent, and so does a JSON `null` for an optional field.

    ## Live events

    `GET /events` is a Server-Sent Events stream. Each message has `id` (the event's sequence
    number), `event` (its type) and `data` (one JSON `ControlEvent` object). A reconnecting client
    sends `Last-Event-ID` (EventSource does this itself) and first receives the recent events it
    missed. A client too slow to keep up loses its oldest buffered events and is told with an
    `event: dropped` message whose data is `{"dropped": <total lost so far>}`. Idle streams carry a
    `: keep-alive` comment every 15 seconds.

    | type | when | fields besides sequence, time, callID, conversationID |
    |------|------|--------------------------------------------------------|
    | callIncoming | an INVITE arrived, or an originated call started ringing | from, to, trunk |
    | callAnswered | the call was answered | |
    | callEnded | the call ended | disposition, reason |
    | transcript | speech recognised: partial results (pocketsphinx: at most every 200 ms, only when they change; the OpenAI transcriber gives none) until isFinal | text, isFinal |
    | agentSpeaking | the agent started a sentence | text |
    | agentInterrupted | the caller barged in | heard |
    | toolCallStarted | the agent called a tool: a call action (transfer, hold, DTMF, conference) or the first attempt of an HTTP tool; toolCallID as in the conversation's history, arguments a short summary (DTMF keys are counted, not shown) | tool, toolCallID, arguments |
    | toolCallFinished | the tool call ended (an HTTP tool reports each failed attempt; a retry may follow) | tool, toolCallID, ok, result |
    | workflowEvent | a step of the call's conversation workflow was committed: kind started, signalReceived, updateAccepted, timerStarted, timerCancelled, timerFired, activityCompleted, activityFailed, scopeExpired or cancelRequested; detail names the signal, update, timer or activity (never what was said or keyed); firesAt is a started timer's deadline | kind, detail, firesAt |
    | dtmf | a key the caller pressed (RFC 4733, in-band or SIP INFO; "•" when the agent keeps digits private) | digit |
    | holdProgress | Parley's own hold or resume of a leg moved on (holding, held, resuming, resumed, failed) | stage |
    | transferProgress | a blind transfer (REFER or API) moved on | stage, target |
    | registrationChanged | a phone registered, refreshed, unregistered or expired | user, contact, change |
servers:
  - url: http://127.0.0.1:8089
security:
  - bearer: []
  - accessToken: []
  - {}
tags:
  - name: calls
  - name: rooms
  - name: directory
  - name: conversations
  - name: agents
  - name: records
  - name: events
  - name: operations
paths:
  /:
    get:
      tags: [operations]
      summary: The web page (live calls, call timelines, history search).
      security: []
      responses:
        "200":
          description: HTML.
          content:
            text/html: {}
  /app.js:
    get:
      tags: [operations]
      summary: The web page's script.
      security: []
      responses:
        "200":
          description: JavaScript.
          content:
            text/javascript: {}
  /app.css:
    get:
      tags: [operations]
      summary: The web page's styles.
      security: []
      responses:
        "200":
          description: CSS.
          content:
            text/css: {}
  /openapi.yaml:
    get:
      tags: [operations]
      summary: This document.
      security: []
      responses:
        "200":
          description: OpenAPI 3.1 YAML.
          content:
            application/yaml: {}
  /health:
    get:
      tags: [operations]
      summary: Liveness.
      security: []
      responses:
        "200":
          description: The server is up.
          content:
            application/json:
              schema:
                type: object
                properties:
                  status: {type: string, const: ok}
  /metrics:
    get:
      tags: [operations]
      summary: Prometheus metrics (text exposition format 0.0.4).
      description: |
        Series: parley_calls_active, parley_calls_total, parley_calls_ended_total{disposition},
        parley_registrations, parley_rtp_packets_received_total, parley_rtp_packets_sent_total,
        parley_rtp_packets_lost_total, parley_rtp_jitter_milliseconds (histogram),
        parley_workflow_events_total{kind} (history events made durable, by kind: started,
        signal, update, timerFired, activityCompleted, activityFailed, scopeExpired,
        cancelRequested, snapshot; rate() gives events per second),
        parley_workflow_signal_latency_seconds (submitted to durable and applied),
        parley_workflow_update_latency_seconds (submitted to accepted and durable),
        parley_workflow_query_latency_seconds (answered from the live state),
        parley_agent_turn_latency_seconds (caller's final transcript to the agent's next sentence),
        parley_stt_latency_seconds (end of the caller's speech to the final transcript),
        parley_tts_latency_seconds (a sentence asked for with nothing queued to its first audio),
        parley_llm_latency_seconds (model request to its first streamed chunk),
        parley_llm_reply_latency_seconds (model request to the complete reply) (histograms),
        parley_provider_errors_total{service,provider,kind} (failed model and speech requests,
        one per attempt; service llm, stt or tts; kind http_429, http_4xx, http_5xx, timeout,
        transport, bad_response or misconfigured),
        parley_control_event_subscribers, parley_control_events_dropped.
      responses:
        "200":
          description: Metrics.
          content:
            text/plain: {}
        "401": {$ref: "#/components/responses/Error"}
        "503": {$ref: "#/components/responses/Error"}
  /events:
    get:
      tags: [events]
      summary: Live events as Server-Sent Events.
      parameters:
        - $ref: "#/components/parameters/EventTypes"
        - $ref: "#/components/parameters/EventCall"
        - $ref: "#/components/parameters/EventConversation"
        - name: after
          in: query
          description: Resume after this sequence number (like Last-Event-ID).
          schema: {type: integer, minimum: 0}
        - name: Last-Event-ID
          in: header
          description: The last sequence number the client saw.
          schema: {type: string}
      responses:
        "200":
          description: An endless stream; each message's data is a ControlEvent.
          content:
            text/event-stream:
              schema: {$ref: "#/components/schemas/ControlEvent"}
        "400": {$ref: "#/components/responses/Error"}
        "401": {$ref: "#/components/responses/Error"}
  /events/recent:
    get:
      tags: [events]
      summary: The most recent events (a ring of 256), oldest first.
      parameters:
        - $ref: "#/components/parameters/EventTypes"
        - $ref: "#/components/parameters/EventCall"
        - $ref: "#/components/parameters/EventConversation"
      responses:
        "200":
          description: Events.
          content:
            application/json:
              schema:
                type: array
                items: {$ref: "#/components/schemas/ControlEvent"}
        "400": {$ref: "#/components/responses/Error"}
        "401": {$ref: "#/components/responses/Error"}
  /calls:
    get:
      tags: [calls]
      summary: Live calls.
      responses:
        "200":
          description: Calls in progress, oldest first.
          content:
            application/json:
              schema:
                type: array
                items: {$ref: "#/components/schemas/LiveCall"}
        "401": {$ref: "#/components/responses/Error"}
        "503": {$ref: "#/components/responses/Error"}
    post:
      tags: [calls]
      summary: Originate a call.
      description: |
        Parley rings `to` and, once it answers, connects it to `connectTo`: click-to-call (two
        users), a dial-out into a conference, a customer called on a trunk number, or a user
        called by an agent. The id comes back as
        soon as the INVITEs are out; the call then shows in `GET /calls` (ringing, then
        answered) and its progress on the event stream. A user without a registered phone is
        `target_unavailable` (409).
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: "#/components/schemas/OriginateRequest"}
      responses:
        "201":
          description: The call exists (it may still be ringing).
          content:
            application/json:
              schema:
                type: object
                required: [callID]
                properties:
                  callID: {type: string}
        "400": {$ref: "#/components/responses/Error"}
        "401": {$ref: "#/components/responses/Error"}
        "404": {$ref: "#/components/responses/Error"}
        "503": {$ref: "#/components/responses/Error"}
  /calls/{id}:
    parameters:
      - $ref: "#/components/parameters/CallID"
    get:
      tags: [calls]
      summary: One live call.
      responses:
        "200":
          description: The call.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/LiveCall"}
        "401": {$ref: "#/components/responses/Error"}
        "404": {$ref: "#/components/responses/Error"}
  /calls/{id}/hangup:
    parameters:
      - $ref: "#/components/parameters/CallID"
    post:
      tags: [calls]
      summary: Hang up a call.
      requestBody:
        required: false
        content:
          application/json:
            schema:
              type: object
              properties:
                status: {type: integer, minimum: 400, maximum: 699, description: SIP status for a call still ringing.}
                reason: {type: string}
      responses:
        "204": {description: Hung up.}
        "400": {$ref: "#/components/responses/Error"}
        "401": {$ref: "#/components/responses/Error"}
        "404": {$ref: "#/components/responses/Error"}
        "409": {$ref: "#/components/responses/Error"}
  /calls/{id}/hold:
    parameters:
      - $ref: "#/components/parameters/CallID"
    post:
      tags: [calls]
      summary: Put the call, or one leg, on hold.
      requestBody:
        required: false
        content:
          application/json:
            schema: {$ref: "#/components/schemas/LegSelector"}
      responses:
        "204": {description: Held.}
        "400": {$ref: "#/components/responses/Error"}
        "401": {$ref: "#/components/responses/Error"}
        "404": {$ref: "#/components/responses/Error"}
        "409": {$ref: "#/components/responses/Error"}
  /calls/{id}/resume:
    parameters:
      - $ref: "#/components/parameters/CallID"
    post:
      tags: [calls]
      summary: Take the call, or one leg, off hold.
      requestBody:
        required: false
        content:
          application/json:
            schema: {$ref: "#/components/schemas/LegSelector"}
      responses:
        "204": {description: Resumed.}
        "400": {$ref: "#/components/responses/Error"}
        "401": {$ref: "#/components/responses/Error"}
        "404": {$ref: "#/components/responses/Error"}
        "409": {$ref: "#/components/responses/Error"}
  /calls/{id}/transfer:
    parameters:
      - $ref: "#/components/parameters/CallID"
    post:
      tags: [calls]
      summary: Transfer a call's caller to a dialplan target (blind), or join it with another call's far party (attended).
      description: |
        Blind: the target (a user's extension, a number the dialplan sends to a trunk, or a
        conference) rings; when it answers it replaces the call's other party, which gets BYE.
        A conference target takes the caller in at once. A call the AI agent answered goes where
        the agent's own transfer tool would send it; a target the AI agent answers takes the
        caller at once too. Attended (`withCall`: the consultation call): the two calls must
        share a party (the transferor, e.g. B in A->B and B->C, whichever side B is on); their far
        parties (A and C) are joined and both of the transferor's dialogs get BYE, as when B's
        phone sends REFER with Replaces. 409 when a call is not answered, 400 when the calls
        share no party.
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: "#/components/schemas/TransferRequest"}
      responses:
        "202": {description: The transfer started; follow it with transferProgress events.}
        "400": {$ref: "#/components/responses/Error"}
        "401": {$ref: "#/components/responses/Error"}
        "404": {$ref: "#/components/responses/Error"}
        "409": {$ref: "#/components/responses/Error"}
        "501": {$ref: "#/components/responses/Error"}
  /calls/{id}/dtmf:
    parameters:
      - $ref: "#/components/parameters/CallID"
    post:
      tags: [calls]
      summary: >-
        Send DTMF digits to one leg, one after another. method auto (the default) sends RFC 4733
        telephone-events when the leg negotiated them, else in-band tones; rfc4733, inband and info
        (SIP INFO, application/dtmf-relay, RFC 6086) force one. While a digit plays it replaces the
        leg's audio.
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [digits]
              properties:
                digits: {type: string, pattern: "^[0-9*#A-Da-d]{1,64}$"}
                durationMilliseconds: {type: integer, minimum: 40, maximum: 2000}
                leg: {type: string, description: "caller (the default) or callee"}
                method: {type: string, enum: [auto, rfc4733, inband, info]}
      responses:
        "202": {description: Sending.}
        "400": {$ref: "#/components/responses/Error"}
        "401": {$ref: "#/components/responses/Error"}
        "404": {$ref: "#/components/responses/Error"}
        "409": {$ref: "#/components/responses/Error"}
  /calls/{id}/play:
    parameters:
      - $ref: "#/components/parameters/CallID"
    post:
      tags: [calls]
      summary: Play a sound to a call.
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: "#/components/schemas/PlayRequest"}
      responses:
        "202": {description: Playing.}
        "400": {$ref: "#/components/responses/Error"}
        "401": {$ref: "#/components/responses/Error"}
        "404": {$ref: "#/components/responses/Error"}
        "409": {$ref: "#/components/responses/Error"}
  /calls/{id}/recording/start:
    parameters:
      - $ref: "#/components/parameters/CallID"
    post:
      tags: [calls]
      summary: Start recording the mix of a call's room (a service call such as echo has none; 409).
      responses:
        "200":
          description: Recording.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/RecordingInfo"}
        "401": {$ref: "#/components/responses/Error"}
        "404": {$ref: "#/components/responses/Error"}
        "409": {$ref: "#/components/responses/Error"}
  /calls/{id}/recording/stop:
    parameters:
      - $ref: "#/components/parameters/CallID"
    post:
      tags: [calls]
      summary: Stop recording a call.
      responses:
        "200":
          description: The finished recording.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/RecordingInfo"}
        "401": {$ref: "#/components/responses/Error"}
        "404": {$ref: "#/components/responses/Error"}
        "409": {$ref: "#/components/responses/Error"}
  /rooms:
    get:
      tags: [rooms]
      summary: Rooms and their members.
      responses:
        "200":
          description: Rooms.
          content:
            application/json:
              schema:
                type: array
                items: {$ref: "#/components/schemas/Room"}
        "401": {$ref: "#/components/responses/Error"}
        "503": {$ref: "#/components/responses/Error"}
  /rooms/{room}:
    parameters:
      - $ref: "#/components/parameters/RoomID"
    get:
      tags: [rooms]
      summary: One room.
      responses:
        "200":
          description: The room.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Room"}
        "401": {$ref: "#/components/responses/Error"}
        "404": {$ref: "#/components/responses/Error"}
  /rooms/{room}/members/{member}:
    parameters:
      - $ref: "#/components/parameters/RoomID"
      - name: member
        in: path
        required: true
        schema: {type: string}
    post:
      tags: [rooms]
      summary: Mute, unmute, deafen, undeafen, kick or set the volume of a member.
      requestBody:
        required: true
        content:
          application/json:
            schema:
              oneOf:
                - type: object
                  required: [action]
                  properties:
                    action: {type: string, enum: [mute, unmute, deaf, undeaf, kick]}
                - type: object
                  required: [action, level]
                  properties:
                    action: {const: volume}
                    level: {type: integer, minimum: -4, maximum: 4}
      responses:
        "204": {description: Done.}
        "400": {$ref: "#/components/responses/Error"}
        "401": {$ref: "#/components/responses/Error"}
        "404": {$ref: "#/components/responses/Error"}
        "409": {$ref: "#/components/responses/Error"}
  /rooms/{room}/play:
    parameters:
      - $ref: "#/components/parameters/RoomID"
    post:
      tags: [rooms]
      summary: Play a sound into a room.
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: "#/components/schemas/PlayRequest"}
      responses:
        "202": {description: Playing.}
        "400": {$ref: "#/components/responses/Error"}
        "401": {$ref: "#/components/responses/Error"}
        "404": {$ref: "#/components/responses/Error"}
  /rooms/{room}/recording/start:
    parameters:
      - $ref: "#/components/parameters/RoomID"
    post:
      tags: [rooms]
      summary: Start recording a room's mix.
      responses:
        "200":
          description: Recording.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/RecordingInfo"}
        "401": {$ref: "#/components/responses/Error"}
        "404": {$ref: "#/components/responses/Error"}
        "409": {$ref: "#/components/responses/Error"}
  /rooms/{room}/recording/stop:
    parameters:
      - $ref: "#/components/parameters/RoomID"
    post:
      tags: [rooms]
      summary: Stop recording a room.
      responses:
        "200":
          description: The finished recording.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/RecordingInfo"}
        "401": {$ref: "#/components/responses/Error"}
        "404": {$ref: "#/components/responses/Error"}
        "409": {$ref: "#/components/responses/Error"}
  /registrations:
    get:
      tags: [directory]
      summary: Registered phones per user.
      responses:
        "200":
          description: Registrations.
          content:
            application/json:
              schema:
                type: array
                items: {$ref: "#/components/schemas/Registration"}
        "401": {$ref: "#/components/responses/Error"}
        "503": {$ref: "#/components/responses/Error"}
  /trunks:
    get:
      tags: [directory]
      summary: SIP trunks and their registration state.
      responses:
        "200":
          description: Trunks.
          content:
            application/json:
              schema:
                type: array
                items: {$ref: "#/components/schemas/Trunk"}
        "401": {$ref: "#/components/responses/Error"}
        "503": {$ref: "#/components/responses/Error"}
  /conversations:
    get:
      tags: [conversations]
      summary: Live and finished conversations, newest first.
      parameters:
        - name: status
          in: query
          schema: {type: string, enum: [running, completed, failed]}
        - name: type
          in: query
          description: Workflow type (default conversation).
          schema: {type: string}
        - name: agent
          in: query
          description: Agent name or definition version.
          schema: {type: string}
        - name: caller
          in: query
          description: Case-insensitive part of the caller.
          schema: {type: string}
        - $ref: "#/components/parameters/Since"
        - $ref: "#/components/parameters/Until"
        - name: limit
          in: query
          schema: {type: integer, minimum: 1, maximum: 10000, default: 100}
        - name: offset
          in: query
          schema: {type: integer, minimum: 0, default: 0}
      responses:
        "200":
          description: Conversations.
          content:
            application/json:
              schema:
                type: array
                items: {$ref: "#/components/schemas/ConversationSummary"}
        "400": {$ref: "#/components/responses/Error"}
        "401": {$ref: "#/components/responses/Error"}
        "503": {$ref: "#/components/responses/Error"}
  /conversations/{id}:
    parameters:
      - $ref: "#/components/parameters/ConversationID"
    get:
      tags: [conversations]
      summary: One conversation.
      responses:
        "200":
          description: The conversation.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/ConversationSummary"}
        "401": {$ref: "#/components/responses/Error"}
        "404": {$ref: "#/components/responses/Error"}
  /conversations/{id}/history:
    parameters:
      - $ref: "#/components/parameters/ConversationID"
    get:
      tags: [conversations]
      summary: The conversation's full durable history, decoded, with pending timers and activities.
      responses:
        "200":
          description: The history.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/ConversationHistory"}
        "401": {$ref: "#/components/responses/Error"}
        "404": {$ref: "#/components/responses/Error"}
  /conversations/{id}/signals:
    parameters:
      - $ref: "#/components/parameters/ConversationID"
    post:
      tags: [conversations]
      summary: Send a signal; answers once it is durable.
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: "#/components/schemas/Signal"}
      responses:
        "202":
          description: The signal is in the log.
          content:
            application/json:
              schema:
                type: object
                required: [conversationID, eventCount]
                properties:
                  conversationID: {type: string}
                  eventCount: {type: integer}
        "400": {$ref: "#/components/responses/Error"}
        "401": {$ref: "#/components/responses/Error"}
        "404": {$ref: "#/components/responses/Error"}
        "409": {$ref: "#/components/responses/Error"}
  /conversations/{id}/updates:
    parameters:
      - $ref: "#/components/parameters/ConversationID"
    post:
      tags: [conversations]
      summary: Run an update. Its validator runs first; a rejection (422) writes nothing.
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: "#/components/schemas/Update"}
      responses:
        "200":
          description: The workflow's answer.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/UpdateResult"}
        "400": {$ref: "#/components/responses/Error"}
        "401": {$ref: "#/components/responses/Error"}
        "404": {$ref: "#/components/responses/Error"}
        "409": {$ref: "#/components/responses/Error"}
        "422": {$ref: "#/components/responses/Error"}
  /conversations/{id}/queries/{name}:
    parameters:
      - $ref: "#/components/parameters/ConversationID"
      - name: name
        in: path
        required: true
        schema: {type: string, enum: [turns, digits, status, state, pendingAction]}
    get:
      tags: [conversations]
      summary: Run a query (from memory while running, from a replay of the log once finished).
      responses:
        "200":
          description: The answer.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/QueryResult"}
        "401": {$ref: "#/components/responses/Error"}
        "404": {$ref: "#/components/responses/Error"}
  /agents:
    get:
      tags: [agents]
      summary: Agent definitions and their stored versions.
      responses:
        "200":
          description: Agents.
          content:
            application/json:
              schema:
                type: array
                items: {$ref: "#/components/schemas/Agent"}
        "401": {$ref: "#/components/responses/Error"}
        "503": {$ref: "#/components/responses/Error"}
  /agents/validate:
    post:
      tags: [agents]
      summary: Validate an agent definition without storing it.
      parameters:
        - name: fileName
          in: query
          description: The file's name, for problem locations, when the body is raw YAML.
          schema: {type: string}
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [content]
              properties:
                fileName: {type: string}
                content: {type: string, minLength: 1}
          application/yaml:
            schema: {description: The definition file itself.}
      responses:
        "200":
          description: The report; problems in the file are part of it.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/ValidationReport"}
        "400": {$ref: "#/components/responses/Error"}
        "401": {$ref: "#/components/responses/Error"}
        "503": {$ref: "#/components/responses/Error"}
  /cdrs:
    get:
      tags: [records]
      summary: Call detail records, newest first, as JSON or CSV (RFC 4180).
      parameters:
        - $ref: "#/components/parameters/Since"
        - $ref: "#/components/parameters/Until"
        - name: from
          in: query
          description: Part of the caller.
          schema: {type: string}
        - name: to
          in: query
          description: Part of the callee.
          schema: {type: string}
        - name: trunk
          in: query
          schema: {type: string}
        - name: disposition
          in: query
          schema: {$ref: "#/components/schemas/Disposition"}
        - name: direction
          in: query
          schema: {type: string, enum: [inbound, outbound, internal]}
        - name: conversation
          in: query
          schema: {type: string}
        - name: call
          in: query
          schema: {type: string}
        - name: limit
          in: query
          schema: {type: integer, minimum: 1, maximum: 100000, default: 1000}
        - name: offset
          in: query
          schema: {type: integer, minimum: 0, default: 0}
        - name: format
          in: query
          schema: {type: string, enum: [json, csv], default: json}
      responses:
        "200":
          description: Records.
          content:
            application/json:
              schema:
                type: array
                items: {$ref: "#/components/schemas/CallRecord"}
            text/csv:
              schema: {type: string}
        "400": {$ref: "#/components/responses/Error"}
        "401": {$ref: "#/components/responses/Error"}
        "503": {$ref: "#/components/responses/Error"}

"""#
}
