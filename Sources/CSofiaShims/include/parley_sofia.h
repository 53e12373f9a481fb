/*
 * parley_sofia.h: the opaque, non-variadic C face of Sofia-SIP's nua for Swift.
 *
 * This header includes no Sofia header (Swift must never see them) and uses plain C types only.
 * Every function marked "root thread" must be called on the thread that runs ps_stack_run();
 * ps_stack_wakeup() is the one call that is safe from any thread.
 */
#ifndef PARLEY_SOFIA_H
#define PARLEY_SOFIA_H

#include <stddef.h>
#include <stdint.h>

typedef struct ps_stack ps_stack_t;

/** nua events Parley handles (a stable subset of nua_event_e, renumbered so Swift needs no Sofia). */
typedef enum ps_event_kind {
    PS_EV_OTHER = 0,
    PS_EV_I_INVITE, PS_EV_I_CANCEL, PS_EV_I_ACK, PS_EV_I_STATE, PS_EV_I_BYE, PS_EV_I_OPTIONS,
    PS_EV_I_REFER, PS_EV_I_PRACK, PS_EV_I_INFO, PS_EV_I_UPDATE, PS_EV_I_MESSAGE, PS_EV_I_NOTIFY,
    PS_EV_I_ERROR, PS_EV_I_REGISTER, PS_EV_I_SUBSCRIBE, PS_EV_I_METHOD,
    PS_EV_R_SHUTDOWN, PS_EV_R_INVITE, PS_EV_R_BYE, PS_EV_R_CANCEL, PS_EV_R_UPDATE, PS_EV_R_INFO,
    PS_EV_R_REGISTER, PS_EV_R_UNREGISTER, PS_EV_R_OPTIONS, PS_EV_R_REFER, PS_EV_R_NOTIFY
} ps_event_kind_t;

/** nua call states (same order as nua_callstate). */
typedef enum ps_call_state {
    PS_CS_NONE = -1,
    PS_CS_INIT = 0, PS_CS_AUTHENTICATING, PS_CS_CALLING, PS_CS_PROCEEDING, PS_CS_COMPLETING,
    PS_CS_RECEIVED, PS_CS_EARLY, PS_CS_COMPLETED, PS_CS_READY, PS_CS_TERMINATING, PS_CS_TERMINATED
} ps_call_state_t;

/**
 * One nua event, flattened. Every pointer is valid only during the callback: copy what you need.
 * Strings are NUL-terminated; absent fields are NULL (numbers: 0 or -1).
 */
typedef struct ps_event {
    int kind;                 /* ps_event_kind_t */
    int raw_event;            /* nua_event_e, for logs */
    const char *event_name;
    int status;
    const char *phrase;
    void *handle;             /* nua_handle_t*, opaque */
    int call_state;           /* ps_call_state_t, for PS_EV_I_STATE */

    const char *method;       /* request method, for incoming requests */
    const char *request_uri;
    const char *request_user;
    const char *call_id;
    const char *from;         /* whole header value */
    const char *from_user;
    const char *from_display;
    const char *from_tag;
    const char *to;
    const char *to_user;
    const char *to_tag;
    const char *contact;
    uint32_t cseq;
    const char *cseq_method;
    const char *content_type;
    const char *payload;
    size_t payload_len;
    const char *user_agent;
    const char *via_transport; /* "UDP", "TCP", ... of the topmost Via */
    const char *source_host;   /* where the message came from (after NAT) */
    int source_port;
    /* Every header of the message in order, as "Name: value\r\n" lines (no start line, no body). */
    const char *headers;
    size_t headers_len;
} ps_event_t;

typedef void (*ps_event_cb)(void *ctx, const ps_event_t *event);
typedef void (*ps_drain_cb)(void *ctx);
typedef void (*ps_timer_cb)(void *ctx, uint64_t timer_id);

/** Stack settings; strings are copied. */
typedef struct ps_config {
    const char *bind_url;     /* e.g. "sip:127.0.0.1:5060" (UDP and TCP) */
    const char *user_agent;
    const char *allow;        /* Allow header value */
    const char *supported;    /* Supported header value */
    const char *accept;       /* Accept header value */
    int log_level;            /* Sofia's own log level 0..9 */
} ps_config_t;

/** Creates su_root + nua on the calling thread (which must then call ps_stack_run). NULL on error, reason in err. */
ps_stack_t *ps_stack_create(const ps_config_t *config, ps_event_cb on_event, ps_drain_cb on_drain,
                            ps_timer_cb on_timer, void *ctx, char *err, size_t err_len);
/** Runs the root loop until ps_stack_break (root thread). */
void ps_stack_run(ps_stack_t *stack);
/** Any thread: ask the root thread to call on_drain soon. Returns 0 on success. */
int ps_stack_wakeup(ps_stack_t *stack);
/** Root thread: starts nua_shutdown; a PS_EV_R_SHUTDOWN event with status >= 200 follows. */
void ps_stack_shutdown(ps_stack_t *stack);
/** Root thread: leave ps_stack_run. */
void ps_stack_break(ps_stack_t *stack);
/** After ps_stack_run returned, on the same thread: frees nua and the root. */
void ps_stack_destroy(ps_stack_t *stack);
/** The bound local URL (e.g. "sip:127.0.0.1:5060"), or NULL. Root thread. */
const char *ps_stack_local_url(ps_stack_t *stack);

/** Root thread: a one-shot timer; on_timer(ctx, id) fires after ms. Returns 0 on success. */
int ps_timer_start(ps_stack_t *stack, uint64_t timer_id, unsigned ms);
/** Root thread: cancels a timer started with that id (no-op if fired). */
void ps_timer_cancel(ps_stack_t *stack, uint64_t timer_id);

/**
 * Root thread: responds on a handle. The phrase is always Sofia's static phrase for the status.
 * with_current != 0 binds the response to the request being delivered right now (inside on_event),
 * which non-INVITE requests (UPDATE, INFO, ...) need.
 * content_type/body/extra_headers may be NULL; extra_headers is "Name: value\r\n..." text.
 */
/** Sofia's static reason phrase for a status code (NULL when it has none). Any thread. */
const char *ps_status_phrase(int status);

void ps_respond(ps_stack_t *stack, void *handle, int status, const char *content_type, const char *body,
                const char *extra_headers, int with_current);
/**
 * Root thread: a new handle for an outgoing request (call, registration, ...). `to` and `from`
 * are header values ("<sip:1000@example.com>", tags are added by Sofia); `proxy` (may be NULL) is a
 * Route header value ("<sip:host:port;lr>") the requests are sent through first (a phone behind NAT).
 */
void *ps_handle_create(ps_stack_t *stack, const char *to, const char *from, const char *proxy);
/**
 * Root thread: sends INVITE (new call, or re-INVITE on an existing dialog handle) to
 * `request_uri` (NULL for a re-INVITE) with an SDP body and extra headers.
 */
void ps_invite(void *handle, const char *request_uri, const char *content_type, const char *body,
               const char *extra_headers);
/** Root thread: CANCEL the pending INVITE of the handle. */
void ps_cancel(void *handle);
/** Root thread: REGISTER to `registrar_uri`; contact NULL lets Sofia pick; expires in seconds. */
void ps_register(void *handle, const char *registrar_uri, const char *contact, unsigned expires,
                 const char *extra_headers);
/** Root thread: un-REGISTER what the handle registered. */
void ps_unregister(void *handle);
/** Root thread: answer a 401/407 with credentials "Digest:\"realm\":user:password". */
void ps_authenticate(void *handle, const char *credentials);
/** Root thread: INFO in the dialog (e.g. application/dtmf-relay). */
void ps_info(void *handle, const char *content_type, const char *body);
/** Root thread: REFER in the dialog to `refer_to` (a Refer-To header value). */
void ps_refer(void *handle, const char *refer_to, const char *extra_headers);
/**
 * Root thread: NOTIFY for a REFER subscription: `event` is the exact "refer;id=N" value,
 * `substate` e.g. "active;expires=60" or "terminated;reason=noresource", body a sipfrag.
 */
void ps_notify(void *handle, const char *event, const char *substate, const char *content_type,
               const char *body);

/**
 * Root thread: the handle of the dialog a Replaces header (RFC 3891) names, or NULL. `to_tag` is
 * matched against the dialog's local tag and `from_tag` against its remote tag, as the RFC says
 * for the recipient; a tag of "0" matches a missing one. The handle is not retained: it stays
 * valid as long as the application's own reference to it does.
 */
void *ps_handle_by_replaces(ps_stack_t *stack, const char *call_id, const char *from_tag, const char *to_tag);

/** Root thread: sends BYE in the handle's dialog. */
void ps_bye(void *handle);
/** Root thread: releases a handle (after its call reached the terminated state). */
void ps_handle_destroy(void *handle);

#endif
