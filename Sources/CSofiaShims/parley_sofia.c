/*
 * parley_sofia.c: Parley's C façade over Sofia-SIP nua (see include/parley_sofia.h).
 * Builds the variadic tag lists Swift cannot, flattens events into ps_event_t, owns the
 * cross-thread wakeup (su_msg) and one-shot timers (su_timer). Holds no call logic.
 */
#define _GNU_SOURCE 1
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <arpa/inet.h>

struct ps_stack;
struct ps_timer;
#define SU_ROOT_MAGIC_T struct ps_stack
#define NUA_MAGIC_T struct ps_stack
#define SU_TIMER_ARG_T struct ps_timer
#define SU_MSG_ARG_T void

#include <sofia-sip/su.h>
#include <sofia-sip/su_wait.h>
#include <sofia-sip/su_log.h>
#include <sofia-sip/su_tagarg.h>
#include <sofia-sip/nua.h>
#include <sofia-sip/nua_tag.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_status.h>
#include <sofia-sip/msg_addr.h>
#include <sofia-sip/nta_tag.h>

#include "parley_sofia.h"

typedef struct ps_timer {
    struct ps_timer *next;
    struct ps_stack *stack;
    su_timer_t *timer;
    uint64_t id;
} ps_timer_t;

struct ps_stack {
    su_root_t *root;
    nua_t *nua;
    ps_event_cb on_event;
    ps_drain_cb on_drain;
    ps_timer_cb on_timer;
    void *ctx;
    ps_timer_t *timers;
    char local_url[256];
};

static pthread_once_t su_once = PTHREAD_ONCE_INIT;
static void ps_su_init(void) { su_init(); }

/* Sofia's nua_event_e → our stable numbering. */
static int ps_kind(nua_event_t e) {
    switch (e) {
    case nua_i_invite: return PS_EV_I_INVITE;
    case nua_i_cancel: return PS_EV_I_CANCEL;
    case nua_i_ack: return PS_EV_I_ACK;
    case nua_i_state: return PS_EV_I_STATE;
    case nua_i_bye: return PS_EV_I_BYE;
    case nua_i_options: return PS_EV_I_OPTIONS;
    case nua_i_refer: return PS_EV_I_REFER;
    case nua_i_prack: return PS_EV_I_PRACK;
    case nua_i_info: return PS_EV_I_INFO;
    case nua_i_update: return PS_EV_I_UPDATE;
    case nua_i_message: return PS_EV_I_MESSAGE;
    case nua_i_notify: return PS_EV_I_NOTIFY;
    case nua_i_error: return PS_EV_I_ERROR;
    case nua_i_register: return PS_EV_I_REGISTER;
    case nua_i_subscribe: return PS_EV_I_SUBSCRIBE;
    case nua_i_method: return PS_EV_I_METHOD;
    case nua_r_shutdown: return PS_EV_R_SHUTDOWN;
    case nua_r_invite: return PS_EV_R_INVITE;
    case nua_r_bye: return PS_EV_R_BYE;
    case nua_r_cancel: return PS_EV_R_CANCEL;
    case nua_r_update: return PS_EV_R_UPDATE;
    case nua_r_info: return PS_EV_R_INFO;
    case nua_r_register: return PS_EV_R_REGISTER;
    case nua_r_unregister: return PS_EV_R_UNREGISTER;
    case nua_r_options: return PS_EV_R_OPTIONS;
    case nua_r_refer: return PS_EV_R_REFER;
    case nua_r_notify: return PS_EV_R_NOTIFY;
    default: return PS_EV_OTHER;
    }
}

static const char *header_string(su_home_t *home, void const *header) {
    if (!header) return NULL;
    return sip_header_as_string(home, (sip_header_t const *)header);
}

/* Fills the transport and source address of the request nua is delivering right now. */
static void fill_source(ps_event_t *ev, nua_t *nua, char *host, size_t host_len) {
    msg_t *msg = nua_current_request(nua);
    if (!msg) return;
    su_addrinfo_t *ai = msg_addrinfo(msg);
    if (!ai || !ai->ai_addr) return;
    if (ai->ai_family == AF_INET) {
        struct sockaddr_in const *sin = (struct sockaddr_in const *)ai->ai_addr;
        if (inet_ntop(AF_INET, &sin->sin_addr, host, (socklen_t)host_len)) {
            ev->source_host = host;
            ev->source_port = ntohs(sin->sin_port);
        }
    } else if (ai->ai_family == AF_INET6) {
        struct sockaddr_in6 const *sin6 = (struct sockaddr_in6 const *)ai->ai_addr;
        if (inet_ntop(AF_INET6, &sin6->sin6_addr, host, (socklen_t)host_len)) {
            ev->source_host = host;
            ev->source_port = ntohs(sin6->sin6_port);
        }
    }
}

/* Appends "Name: value\r\n" for every header in message order (start line, separator and body skipped). */
static const char *all_headers(su_home_t *home, sip_t const *sip, size_t *out_len) {
    size_t cap = 4096, len = 0;
    char *buf = su_alloc(home, cap);
    char value[4096];
    if (!buf) return NULL;
    msg_header_t const *h = sip->sip_request ? (msg_header_t const *)sip->sip_request
                                             : (msg_header_t const *)sip->sip_status;
    for (; h; h = h->sh_succ) {
        if (h == (msg_header_t const *)sip->sip_request || h == (msg_header_t const *)sip->sip_status ||
            h == (msg_header_t const *)sip->sip_payload || h == (msg_header_t const *)sip->sip_separator)
            continue;
        char const *name = h->sh_class ? h->sh_class->hc_name : NULL;
        char const *val = value;
        if (!name || !*name) {
            /* Unknown extension headers (X-..., P-...) keep their own name and value. */
            name = h->sh_unknown->un_name;
            val = h->sh_unknown->un_value;
        } else if (msg_header_field_e(value, sizeof value, h, 0) < 0) {
            continue;
        }
        if (!name || !val) continue;
        size_t need = strlen(name) + strlen(val) + 5;
        if (len + need >= cap) {
            size_t ncap = (len + need) * 2;
            char *nbuf = su_realloc(home, buf, ncap);
            if (!nbuf) break;
            buf = nbuf;
            cap = ncap;
        }
        len += (size_t)snprintf(buf + len, cap - len, "%s: %s\r\n", name, val);
    }
    buf[len] = 0;
    *out_len = len;
    return buf;
}

static void ps_nua_callback(nua_event_t event, int status, char const *phrase, nua_t *nua,
                            struct ps_stack *stack, nua_handle_t *nh, nua_hmagic_t *hmagic,
                            sip_t const *sip, tagi_t tags[]) {
    (void)hmagic;
    if (!stack || !stack->on_event) return;
    su_home_t home[1] = { SU_HOME_INIT(home) };
    char host[INET6_ADDRSTRLEN + 1] = {0};
    ps_event_t ev;
    memset(&ev, 0, sizeof ev);
    ev.kind = ps_kind(event);
    ev.raw_event = (int)event;
    ev.event_name = nua_event_name(event);
    ev.status = status;
    ev.phrase = phrase;
    ev.handle = nh;
    ev.call_state = PS_CS_NONE;
    ev.source_port = -1;
    if (event == nua_i_state) {
        int state = -1;
        tl_gets(tags, NUTAG_CALLSTATE_REF(state), TAG_END());
        ev.call_state = state;
    }
    if (sip) {
        if (sip->sip_request) {
            ev.method = sip->sip_request->rq_method_name;
            ev.request_uri = url_as_string(home, sip->sip_request->rq_url);
            ev.request_user = sip->sip_request->rq_url->url_user;
        }
        if (sip->sip_call_id) ev.call_id = sip->sip_call_id->i_id;
        if (sip->sip_from) {
            ev.from = header_string(home, sip->sip_from);
            ev.from_tag = sip->sip_from->a_tag;
            ev.from_display = sip->sip_from->a_display;
            ev.from_user = sip->sip_from->a_url->url_user;
        }
        if (sip->sip_to) {
            ev.to = header_string(home, sip->sip_to);
            ev.to_tag = sip->sip_to->a_tag;
            ev.to_user = sip->sip_to->a_url->url_user;
        }
        if (sip->sip_contact) ev.contact = header_string(home, sip->sip_contact);
        if (sip->sip_cseq) {
            ev.cseq = sip->sip_cseq->cs_seq;
            ev.cseq_method = sip->sip_cseq->cs_method_name;
        }
        if (sip->sip_content_type) ev.content_type = sip->sip_content_type->c_type;
        if (sip->sip_payload) {
            ev.payload = sip->sip_payload->pl_data;
            ev.payload_len = sip->sip_payload->pl_len;
        }
        if (sip->sip_user_agent) ev.user_agent = sip->sip_user_agent->g_string;
        if (sip->sip_via) ev.via_transport = sip->sip_via->v_protocol;
        if (sip->sip_request) fill_source(&ev, nua, host, sizeof host);
        ev.headers = all_headers(home, sip, &ev.headers_len);
    }
    stack->on_event(stack->ctx, &ev);
    su_home_deinit(home);
}

ps_stack_t *ps_stack_create(const ps_config_t *config, ps_event_cb on_event, ps_drain_cb on_drain,
                            ps_timer_cb on_timer, void *ctx, char *err, size_t err_len) {
    pthread_once(&su_once, ps_su_init);
    if (!config || !config->bind_url) {
        snprintf(err, err_len, "no bind URL");
        return NULL;
    }
    su_log_set_level(NULL, (unsigned)(config->log_level < 0 ? 0 : config->log_level));
    ps_stack_t *stack = calloc(1, sizeof *stack);
    if (!stack) {
        snprintf(err, err_len, "out of memory");
        return NULL;
    }
    stack->on_event = on_event;
    stack->on_drain = on_drain;
    stack->on_timer = on_timer;
    stack->ctx = ctx;
    snprintf(stack->local_url, sizeof stack->local_url, "%s", config->bind_url);
    stack->root = su_root_create(stack);
    if (!stack->root) {
        snprintf(err, err_len, "su_root_create failed");
        free(stack);
        return NULL;
    }
    stack->nua = nua_create(stack->root, ps_nua_callback, stack,
                            NUTAG_URL(config->bind_url),
                            NUTAG_MEDIA_ENABLE(0),
                            NUTAG_AUTOALERT(0),
                            NUTAG_AUTOANSWER(0),
                            NUTAG_AUTOACK(1),
                            NUTAG_ENABLEINVITE(1),
                            /* RFC 4028: 30-minute sessions; too short a Session-Expires gets 422 with
                               Min-SE; the caller refreshes unless it asks us to (then nua sends UPDATE). */
                            NUTAG_SESSION_TIMER(1800),
                            NUTAG_MIN_SE(90),
                            NUTAG_SESSION_REFRESHER(nua_remote_refresher),
                            NUTAG_UPDATE_REFRESH(1),
                            NUTAG_APPL_METHOD("UPDATE"),
                            NUTAG_APPL_METHOD("INFO"),
                            NUTAG_APPL_METHOD("REGISTER"),
                            NUTAG_OUTBOUND("no-options-keepalive no-validate no-natify"),
                            NTATAG_SERVER_RPORT(1),
                            NTATAG_CLIENT_RPORT(1),
                            TAG_IF(config->user_agent, SIPTAG_USER_AGENT_STR(config->user_agent)),
                            TAG_IF(config->allow, SIPTAG_ALLOW_STR(config->allow)),
                            TAG_IF(config->supported, SIPTAG_SUPPORTED_STR(config->supported)),
                            TAG_IF(config->accept, SIPTAG_ACCEPT_STR(config->accept)),
                            TAG_END());
    if (!stack->nua) {
        snprintf(err, err_len, "cannot listen on %s (address in use or not local?)", config->bind_url);
        su_root_destroy(stack->root);
        free(stack);
        return NULL;
    }
    return stack;
}

void ps_stack_run(ps_stack_t *stack) { su_root_run(stack->root); }

static void ps_wake_handler(struct ps_stack *stack, su_msg_r msg, void *arg) {
    (void)msg; (void)arg;
    if (stack && stack->on_drain) stack->on_drain(stack->ctx);
}

int ps_stack_wakeup(ps_stack_t *stack) {
    su_msg_r m = SU_MSG_R_INIT;
    if (su_msg_create(m, su_root_task(stack->root), su_root_task(stack->root), ps_wake_handler, 0) != 0)
        return -1;
    return su_msg_send(m);
}

void ps_stack_shutdown(ps_stack_t *stack) { nua_shutdown(stack->nua); }
void ps_stack_break(ps_stack_t *stack) { su_root_break(stack->root); }
const char *ps_stack_local_url(ps_stack_t *stack) { return stack->local_url; }

void ps_stack_destroy(ps_stack_t *stack) {
    if (!stack) return;
    while (stack->timers) {
        ps_timer_t *t = stack->timers;
        stack->timers = t->next;
        su_timer_destroy(t->timer);
        free(t);
    }
    if (stack->nua) nua_destroy(stack->nua);
    if (stack->root) su_root_destroy(stack->root);
    free(stack);
}

static void ps_timer_unlink(ps_stack_t *stack, ps_timer_t *timer) {
    for (ps_timer_t **p = &stack->timers; *p; p = &(*p)->next) {
        if (*p == timer) { *p = timer->next; return; }
    }
}

static void ps_timer_fired(struct ps_stack *magic, su_timer_t *t, ps_timer_t *timer) {
    (void)magic; (void)t;
    ps_stack_t *stack = timer->stack;
    uint64_t id = timer->id;
    ps_timer_unlink(stack, timer);
    su_timer_destroy(timer->timer);
    free(timer);
    if (stack->on_timer) stack->on_timer(stack->ctx, id);
}

int ps_timer_start(ps_stack_t *stack, uint64_t timer_id, unsigned ms) {
    ps_timer_t *timer = calloc(1, sizeof *timer);
    if (!timer) return -1;
    timer->timer = su_timer_create(su_root_task(stack->root), ms);
    if (!timer->timer) { free(timer); return -1; }
    timer->stack = stack;
    timer->id = timer_id;
    if (su_timer_set(timer->timer, ps_timer_fired, timer) != 0) {
        su_timer_destroy(timer->timer);
        free(timer);
        return -1;
    }
    timer->next = stack->timers;
    stack->timers = timer;
    return 0;
}

void ps_timer_cancel(ps_stack_t *stack, uint64_t timer_id) {
    for (ps_timer_t *t = stack->timers; t; t = t->next) {
        if (t->id == timer_id) {
            ps_timer_unlink(stack, t);
            su_timer_destroy(t->timer);
            free(t);
            return;
        }
    }
}

void ps_respond(ps_stack_t *stack, void *handle, int status, const char *content_type, const char *body,
                const char *extra_headers, int with_current) {
    nua_handle_t *nh = handle;
    /* nua keeps the phrase by pointer: only ever pass Sofia's static phrase table. */
    char const *phrase = sip_status_phrase(status);
    if (!phrase) phrase = "";
    nua_respond(nh, status, phrase,
                TAG_IF(with_current, NUTAG_WITH_THIS(stack->nua)),
                TAG_IF(content_type, SIPTAG_CONTENT_TYPE_STR(content_type)),
                TAG_IF(body, SIPTAG_PAYLOAD_STR(body)),
                TAG_IF(extra_headers, SIPTAG_HEADER_STR(extra_headers)),
                TAG_END());
}

void ps_bye(void *handle) { nua_bye((nua_handle_t *)handle, TAG_END()); }

void *ps_handle_create(ps_stack_t *stack, const char *to, const char *from, const char *proxy) {
    return nua_handle(stack->nua, NULL,
                      TAG_IF(to, SIPTAG_TO_STR(to)),
                      TAG_IF(from, SIPTAG_FROM_STR(from)),
                      TAG_IF(proxy, NUTAG_INITIAL_ROUTE_STR(proxy)),
                      TAG_END());
}

void ps_invite(void *handle, const char *request_uri, const char *content_type, const char *body,
               const char *extra_headers) {
    nua_invite((nua_handle_t *)handle,
               TAG_IF(request_uri, NUTAG_URL(request_uri)),
               TAG_IF(content_type, SIPTAG_CONTENT_TYPE_STR(content_type)),
               TAG_IF(body, SIPTAG_PAYLOAD_STR(body)),
               TAG_IF(extra_headers, SIPTAG_HEADER_STR(extra_headers)),
               TAG_END());
}

void ps_cancel(void *handle) { nua_cancel((nua_handle_t *)handle, TAG_END()); }

void ps_register(void *handle, const char *registrar_uri, const char *contact, unsigned expires,
                 const char *extra_headers) {
    char exp[16];
    snprintf(exp, sizeof exp, "%u", expires);
    nua_register((nua_handle_t *)handle,
                 TAG_IF(registrar_uri, NUTAG_REGISTRAR(registrar_uri)),
                 TAG_IF(contact, SIPTAG_CONTACT_STR(contact)),
                 SIPTAG_EXPIRES_STR(exp),
                 TAG_IF(extra_headers, SIPTAG_HEADER_STR(extra_headers)),
                 TAG_END());
}

void ps_unregister(void *handle) { nua_unregister((nua_handle_t *)handle, TAG_END()); }

void ps_authenticate(void *handle, const char *credentials) {
    nua_authenticate((nua_handle_t *)handle, NUTAG_AUTH(credentials), TAG_END());
}

void ps_info(void *handle, const char *content_type, const char *body) {
    nua_info((nua_handle_t *)handle,
             TAG_IF(content_type, SIPTAG_CONTENT_TYPE_STR(content_type)),
             TAG_IF(body, SIPTAG_PAYLOAD_STR(body)),
             TAG_END());
}

void ps_refer(void *handle, const char *refer_to, const char *extra_headers) {
    nua_refer((nua_handle_t *)handle,
              SIPTAG_REFER_TO_STR(refer_to),
              TAG_IF(extra_headers, SIPTAG_HEADER_STR(extra_headers)),
              TAG_END());
}

void ps_notify(void *handle, const char *event, const char *substate, const char *content_type,
               const char *body) {
    nua_notify((nua_handle_t *)handle,
               SIPTAG_EVENT_STR(event),
               TAG_IF(substate, SIPTAG_SUBSCRIPTION_STATE_STR(substate)),
               TAG_IF(content_type, SIPTAG_CONTENT_TYPE_STR(content_type)),
               TAG_IF(body, SIPTAG_PAYLOAD_STR(body)),
               TAG_END());
}
void ps_handle_destroy(void *handle) { nua_handle_destroy((nua_handle_t *)handle); }

void *ps_handle_by_replaces(ps_stack_t *stack, const char *call_id, const char *from_tag, const char *to_tag) {
    if (!stack || !stack->nua || !call_id || !from_tag || !to_tag) return NULL;
    /* nta matches only these three fields, so a stack header without parameters will do. */
    sip_replaces_t rp[1];
    sip_replaces_init(rp);
    rp->rp_call_id = call_id;
    rp->rp_from_tag = from_tag;
    rp->rp_to_tag = to_tag;
    nua_handle_t *nh = nua_handle_by_replaces(stack->nua, rp);
    /* nua returns a new reference; the application's own reference keeps the handle alive. */
    if (nh) nua_handle_unref(nh);
    return nh;
}

const char *ps_status_phrase(int status) { return sip_status_phrase(status); }
