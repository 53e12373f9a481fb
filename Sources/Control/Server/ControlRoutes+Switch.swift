import Hummingbird

/// Calls, rooms, registrations and trunks: straight through to ``SwitchControl``.
extension ControlRoutes {
    func registerCalls(on router: Router<Context>) {
        router.get("/calls") { _, _ -> Response in
            try HTTPSupport.json(try await services.requireSwitch().calls())
        }
        router.post("/calls") { request, _ -> Response in
            let body = try await HTTPSupport.decode(OriginateRequest.self, from: request, limit: bodyLimit)
            let id = try await services.requireSwitch().originate(try body.validated())
            return try HTTPSupport.json(OriginateResult(callID: id), status: .created)
        }
        router.get("/calls/{id}") { _, context -> Response in
            try HTTPSupport.json(try await services.requireSwitch().call(try callID(context)))
        }
        router.post("/calls/{id}/hangup") { request, context -> Response in
            let body = try await HTTPSupport.decode(HangUpRequest.self, from: request, limit: bodyLimit,
                                                    empty: HangUpRequest())
            try await services.requireSwitch().hangUp(try callID(context), try body.validated())
            return HTTPSupport.noContent()
        }
        router.post("/calls/{id}/hold") { request, context -> Response in
            let body = try await HTTPSupport.decode(LegSelector.self, from: request, limit: bodyLimit,
                                                    empty: LegSelector())
            try await services.requireSwitch().hold(try callID(context), leg: body.leg)
            return HTTPSupport.noContent()
        }
        router.post("/calls/{id}/resume") { request, context -> Response in
            let body = try await HTTPSupport.decode(LegSelector.self, from: request, limit: bodyLimit,
                                                    empty: LegSelector())
            try await services.requireSwitch().resume(try callID(context), leg: body.leg)
            return HTTPSupport.noContent()
        }
        router.post("/calls/{id}/transfer") { request, context -> Response in
            let call = try callID(context)
            let body = try await HTTPSupport.decode(TransferRequest.self, from: request, limit: bodyLimit)
            try await services.requireSwitch().transfer(call, try body.validated(for: call))
            return Response(status: .accepted)
        }
        router.post("/calls/{id}/dtmf") { request, context -> Response in
            let body = try await HTTPSupport.decode(DTMFRequest.self, from: request, limit: bodyLimit)
            try await services.requireSwitch().sendDTMF(try callID(context), try body.validated())
            return Response(status: .accepted)
        }
        router.post("/calls/{id}/play") { request, context -> Response in
            let body = try await HTTPSupport.decode(PlayRequest.self, from: request, limit: bodyLimit)
            try await services.requireSwitch().play(try body.validated(), to: .call(try callID(context)))
            return Response(status: .accepted)
        }
        router.post("/calls/{id}/recording/start") { _, context -> Response in
            try HTTPSupport.json(try await services.requireSwitch().startRecording(.call(try callID(context))))
        }
        router.post("/calls/{id}/recording/stop") { _, context -> Response in
            try HTTPSupport.json(try await services.requireSwitch().stopRecording(.call(try callID(context))))
        }
    }

    func registerRooms(on router: Router<Context>) {
        router.get("/rooms") { _, _ -> Response in
            try HTTPSupport.json(try await services.requireSwitch().rooms())
        }
        router.get("/rooms/{room}") { _, context -> Response in
            try HTTPSupport.json(try await services.requireSwitch().room(try roomID(context)))
        }
        router.post("/rooms/{room}/members/{member}") { request, context -> Response in
            let body = try await HTTPSupport.decode(MemberAction.self, from: request, limit: bodyLimit)
            let member = MemberID(try HTTPSupport.parameter("member", context))
            try await services.requireSwitch().perform(try body.validated(), on: member, in: try roomID(context))
            return HTTPSupport.noContent()
        }
        router.post("/rooms/{room}/play") { request, context -> Response in
            let body = try await HTTPSupport.decode(PlayRequest.self, from: request, limit: bodyLimit)
            try await services.requireSwitch().play(try body.validated(), to: .room(try roomID(context)))
            return Response(status: .accepted)
        }
        router.post("/rooms/{room}/recording/start") { _, context -> Response in
            try HTTPSupport.json(try await services.requireSwitch().startRecording(.room(try roomID(context))))
        }
        router.post("/rooms/{room}/recording/stop") { _, context -> Response in
            try HTTPSupport.json(try await services.requireSwitch().stopRecording(.room(try roomID(context))))
        }
    }

    func registerDirectory(on router: Router<Context>) {
        router.get("/registrations") { _, _ -> Response in
            try HTTPSupport.json(try await services.requireSwitch().registrations())
        }
        router.get("/trunks") { _, _ -> Response in
            try HTTPSupport.json(try await services.requireSwitch().trunks())
        }
    }

    private func callID(_ context: Context) throws(ControlError) -> CallID {
        CallID(try HTTPSupport.parameter("id", context))
    }

    private func roomID(_ context: Context) throws(ControlError) -> RoomID {
        RoomID(try HTTPSupport.parameter("room", context))
    }
}
