import Foundation

/// The pure part of handling a REGISTER (RFC 3261 §10.3 steps 6–7): ``plan()`` reads and checks
/// the request without touching state, ``apply(_:to:)`` turns the plan into changes on one AOR's
/// bindings. Either the whole request applies or nothing does: work happens on a copy that is
/// written back only when every contact succeeded.
struct BindingUpdate: Sendable {
    let request: RegisterRequest
    let policy: RegistrarPolicy
    let now: Date

    enum Plan: Sendable {
        /// No Contact: report the current bindings (RFC 3261 §10.2.3).
        case query
        case removeAll
        case contacts([PlannedContact])
    }

    struct PlannedContact: Sendable {
        var value: ContactValue
        var key: String
        /// 0 removes; otherwise already clamped to the policy's range.
        var expires: Int
        var q: QValue?
    }

    func plan() throws(RegistrarError) -> Plan {
        let list: ContactList
        do throws(ContactError) {
            list = try ContactList.parse(request.contacts)
        } catch {
            throw .malformedContact(error)
        }
        let headerExpires = request.expires.flatMap(ContactValue.deltaSeconds)
        switch list {
        case .wildcard:
            guard headerExpires == 0 else { throw .wildcardRequiresZeroExpires }
            return .removeAll
        case .contacts(let values) where values.isEmpty:
            return .query
        case .contacts(let values):
            var planned: [PlannedContact] = []
            for value in values {
                planned.append(try plan(value, headerExpires: headerExpires))
            }
            return .contacts(planned)
        }
    }

    private func plan(_ value: ContactValue, headerExpires: Int?) throws(RegistrarError) -> PlannedContact {
        let uri: SIPURI
        do throws(SIPURI.ParseError) {
            uri = try SIPURI.parse(value.uri)
        } catch {
            throw .unsupportedContactURI(value.uri, error)
        }
        var q: QValue?
        if let parameter = value.parameter("q") {
            guard let text = parameter.value, let parsed = QValue(text) else { throw .invalidQValue(parameter.value ?? "") }
            q = parsed
        }
        var expires = value.expires ?? headerExpires ?? policy.defaultExpires
        if expires != 0, expires < policy.minExpires {
            throw .intervalTooBrief(requested: expires, minimum: policy.minExpires)
        }
        expires = min(expires, policy.maxExpires)
        let key = Binding.key(instanceID: value.instanceID, regID: value.regID, uri: uri, contactURI: value.uri)
        return PlannedContact(value: value, key: key, expires: expires, q: q)
    }

    func apply(_ plan: Plan, to bindings: inout [Binding]) throws(RegistrarError) -> [BindingChange] {
        switch plan {
        case .query:
            return []
        case .removeAll:
            // RFC 3261 §10.3 step 6: a binding from the same Call-ID is removed only by a higher CSeq.
            if let stale = bindings.first(where: { $0.callID == request.callID && request.cseq <= $0.cseq }) {
                throw .outOfOrder(callID: request.callID, cseq: request.cseq, stored: stale.cseq)
            }
            let removed = bindings.map(BindingChange.removed)
            bindings = []
            return removed
        case .contacts(let contacts):
            var working = bindings
            var changes = try apply(contacts, to: &working)
            changes += try enforceLimit(on: &working, before: bindings.count, touched: Set(contacts.map(\.key)))
            bindings = working
            return changes
        }
    }

    private func apply(_ contacts: [PlannedContact], to working: inout [Binding]) throws(RegistrarError) -> [BindingChange] {
        var changes: [BindingChange] = []
        var touched: Set<String> = []
        for contact in contacts {
            defer { touched.insert(contact.key) }
            if let index = working.firstIndex(where: { $0.key == contact.key }) {
                let existing = working[index]
                if !touched.contains(contact.key), existing.callID == request.callID, request.cseq <= existing.cseq {
                    throw .outOfOrder(callID: request.callID, cseq: request.cseq, stored: existing.cseq)
                }
                if contact.expires == 0 {
                    working.remove(at: index)
                    changes.append(.removed(existing))
                } else {
                    let refreshed = binding(for: contact, registeredAt: existing.registeredAt)
                    working[index] = refreshed
                    changes.append(.refreshed(refreshed))
                }
            } else if contact.expires > 0 {
                let added = binding(for: contact, registeredAt: now)
                working.append(added)
                changes.append(.added(added))
            }
        }
        return changes
    }

    /// Keeps the AOR under its contact limit when this request grew it.
    private func enforceLimit(on working: inout [Binding], before: Int, touched: Set<String>) throws(RegistrarError) -> [BindingChange] {
        let limit = request.maxContacts ?? policy.maxContactsPerAOR
        guard working.count > limit, working.count > before else { return [] }
        guard policy.whenFull == .replaceOldest else { throw .tooManyContacts(limit: limit) }
        var changes: [BindingChange] = []
        let victims = working.filter { !touched.contains($0.key) }.sorted { $0.updatedAt < $1.updatedAt }
        for victim in victims where working.count > limit {
            working.removeAll { $0.key == victim.key }
            changes.append(.replaced(victim))
        }
        guard working.count <= limit else { throw .tooManyContacts(limit: limit) }
        return changes
    }

    private func binding(for contact: PlannedContact, registeredAt: Date) -> Binding {
        Binding(aor: request.aor, contactURI: contact.value.uri, displayName: contact.value.displayName,
                instanceID: contact.value.instanceID, regID: contact.value.regID, q: contact.q,
                expiresAt: now.addingTimeInterval(TimeInterval(contact.expires)), registeredAt: registeredAt,
                updatedAt: now, callID: request.callID, cseq: request.cseq, received: request.source,
                transport: request.transport.lowercased(), userAgent: request.userAgent)
    }
}
