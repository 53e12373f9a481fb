/*
 * parley_net.h: thin, non-variadic wrappers over Linux socket/epoll/timerfd/eventfd calls for the
 * media loops. Plain C types only; every function returns -errno on failure.
 */
#ifndef PARLEY_NET_H
#define PARLEY_NET_H
#include <stddef.h>
#include <stdint.h>

/** An IPv4/IPv6 endpoint in network-independent form. */
typedef struct pn_addr {
    int family;          /* 4 or 6; 0 = none */
    uint8_t bytes[16];   /* address, network order */
    uint16_t port;       /* host order */
} pn_addr_t;

int pn_parse_addr(const char *host, uint16_t port, pn_addr_t *out);
/** Formats host (no port) into buf; returns 0 or -1. */
int pn_format_host(const pn_addr_t *addr, char *buf, size_t len);
int pn_addr_equal(const pn_addr_t *a, const pn_addr_t *b);

/** Non-blocking UDP socket bound to addr (port in addr). */
int pn_udp_bind(const pn_addr_t *addr, int rcvbuf, int sndbuf);
/** Non-blocking recvfrom; returns bytes, or -EAGAIN when empty. */
int pn_recvfrom(int fd, void *buf, size_t len, pn_addr_t *from);
int pn_sendto(int fd, const void *buf, size_t len, const pn_addr_t *to);
int pn_close(int fd);
/** The local port a socket is bound to, or -errno. */
int pn_local_port(int fd);

/** One datagram for the batch calls: data, length (in: capacity, out: received) and peer. */
typedef struct pn_datagram {
    void *data;
    uint32_t length;
    pn_addr_t peer;
} pn_datagram_t;

/** recvmmsg: fills up to count datagrams without blocking; returns how many (0 when none), or -errno. */
int pn_recv_batch(int fd, pn_datagram_t *datagrams, int count);
/** sendmmsg: sends count datagrams to their peers; returns how many were sent, or -errno. */
int pn_send_batch(int fd, pn_datagram_t *datagrams, int count);

int pn_epoll_create(void);
/** Registers fd for input; token comes back from pn_epoll_wait. */
int pn_epoll_add(int epfd, int fd, uint64_t token);
/** Registers fd for input, edge-triggered: readers must drain it (until a short batch). */
int pn_epoll_add_edge(int epfd, int fd, uint64_t token);
int pn_epoll_del(int epfd, int fd);
/** Waits up to timeout_ms; fills tokens; returns count (0 on timeout/EINTR). */
int pn_epoll_wait(int epfd, uint64_t *tokens, int max, int timeout_ms);

/** Periodic CLOCK_MONOTONIC timer, first expiry after period_us. */
int pn_timerfd_create(unsigned period_us);
/** Reads the expiration count (0 if none). */
uint64_t pn_timerfd_read(int fd);
int pn_eventfd_create(void);
int pn_eventfd_signal(int fd);
uint64_t pn_eventfd_drain(int fd);
/** Best effort: SCHED_RR at `priority` for the calling thread (needs CAP_SYS_NICE). 0 or -errno. */
int pn_set_realtime(int priority);
/** CPU time of the calling thread in nanoseconds. */
uint64_t pn_thread_cpu_ns(void);
/** CLOCK_MONOTONIC in nanoseconds. */
uint64_t pn_monotonic_ns(void);

#endif
