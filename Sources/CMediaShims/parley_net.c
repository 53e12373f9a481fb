/* parley_net.c: see include/parley_net.h. Only Linux system calls, no policy. */
#define _GNU_SOURCE 1
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <pthread.h>
#include <sched.h>
#include <time.h>
#include <unistd.h>
#include "parley_net.h"

int pn_parse_addr(const char *host, uint16_t port, pn_addr_t *out) {
    memset(out, 0, sizeof *out);
    out->port = port;
    if (inet_pton(AF_INET, host, out->bytes) == 1) { out->family = 4; return 0; }
    if (inet_pton(AF_INET6, host, out->bytes) == 1) { out->family = 6; return 0; }
    return -EINVAL;
}

int pn_format_host(const pn_addr_t *addr, char *buf, size_t len) {
    int af = addr->family == 6 ? AF_INET6 : AF_INET;
    return inet_ntop(af, addr->bytes, buf, (socklen_t)len) ? 0 : -1;
}

int pn_addr_equal(const pn_addr_t *a, const pn_addr_t *b) {
    if (a->family != b->family || a->port != b->port) return 0;
    size_t n = a->family == 6 ? 16 : 4;
    return memcmp(a->bytes, b->bytes, n) == 0;
}

static socklen_t to_sockaddr(const pn_addr_t *a, struct sockaddr_storage *ss) {
    memset(ss, 0, sizeof *ss);
    if (a->family == 6) {
        struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
        s6->sin6_family = AF_INET6;
        s6->sin6_port = htons(a->port);
        memcpy(&s6->sin6_addr, a->bytes, 16);
        return sizeof *s6;
    }
    struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
    s4->sin_family = AF_INET;
    s4->sin_port = htons(a->port);
    memcpy(&s4->sin_addr, a->bytes, 4);
    return sizeof *s4;
}

static void from_sockaddr(const struct sockaddr_storage *ss, pn_addr_t *a) {
    memset(a, 0, sizeof *a);
    if (ss->ss_family == AF_INET6) {
        const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)ss;
        a->family = 6;
        a->port = ntohs(s6->sin6_port);
        memcpy(a->bytes, &s6->sin6_addr, 16);
    } else if (ss->ss_family == AF_INET) {
        const struct sockaddr_in *s4 = (const struct sockaddr_in *)ss;
        a->family = 4;
        a->port = ntohs(s4->sin_port);
        memcpy(a->bytes, &s4->sin_addr, 4);
    }
}

int pn_udp_bind(const pn_addr_t *addr, int rcvbuf, int sndbuf) {
    int fd = socket(addr->family == 6 ? AF_INET6 : AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) return -errno;
    if (rcvbuf > 0) setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
    if (sndbuf > 0) setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
    struct sockaddr_storage ss;
    socklen_t len = to_sockaddr(addr, &ss);
    if (bind(fd, (struct sockaddr *)&ss, len) != 0) {
        int e = errno;
        close(fd);
        return -e;
    }
    return fd;
}

int pn_recvfrom(int fd, void *buf, size_t len, pn_addr_t *from) {
    struct sockaddr_storage ss;
    socklen_t sl = sizeof ss;
    ssize_t n = recvfrom(fd, buf, len, 0, (struct sockaddr *)&ss, &sl);
    if (n < 0) return -errno;
    if (from) from_sockaddr(&ss, from);
    return (int)n;
}

int pn_sendto(int fd, const void *buf, size_t len, const pn_addr_t *to) {
    struct sockaddr_storage ss;
    socklen_t sl = to_sockaddr(to, &ss);
    ssize_t n = sendto(fd, buf, len, 0, (struct sockaddr *)&ss, sl);
    return n < 0 ? -errno : (int)n;
}

int pn_close(int fd) { return close(fd) == 0 ? 0 : -errno; }

int pn_local_port(int fd) {
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    if (getsockname(fd, (struct sockaddr *)&ss, &len) != 0) return -errno;
    pn_addr_t a;
    from_sockaddr(&ss, &a);
    return a.port;
}

#define PN_BATCH_MAX 64

int pn_recv_batch(int fd, pn_datagram_t *datagrams, int count) {
    struct mmsghdr msgs[PN_BATCH_MAX];
    struct iovec iov[PN_BATCH_MAX];
    struct sockaddr_storage addrs[PN_BATCH_MAX];
    if (count > PN_BATCH_MAX) count = PN_BATCH_MAX;
    memset(msgs, 0, sizeof(struct mmsghdr) * (size_t)count);
    for (int i = 0; i < count; i++) {
        iov[i].iov_base = datagrams[i].data;
        iov[i].iov_len = datagrams[i].length;
        msgs[i].msg_hdr.msg_iov = &iov[i];
        msgs[i].msg_hdr.msg_iovlen = 1;
        msgs[i].msg_hdr.msg_name = &addrs[i];
        msgs[i].msg_hdr.msg_namelen = sizeof addrs[i];
    }
    int n = recvmmsg(fd, msgs, (unsigned)count, MSG_DONTWAIT, NULL);
    if (n < 0) return (errno == EAGAIN || errno == EWOULDBLOCK) ? 0 : -errno;
    for (int i = 0; i < n; i++) {
        datagrams[i].length = msgs[i].msg_len;
        from_sockaddr(&addrs[i], &datagrams[i].peer);
    }
    return n;
}

int pn_send_batch(int fd, pn_datagram_t *datagrams, int count) {
    struct mmsghdr msgs[PN_BATCH_MAX];
    struct iovec iov[PN_BATCH_MAX];
    struct sockaddr_storage addrs[PN_BATCH_MAX];
    int sent = 0;
    while (sent < count) {
        int chunk = count - sent > PN_BATCH_MAX ? PN_BATCH_MAX : count - sent;
        memset(msgs, 0, sizeof(struct mmsghdr) * (size_t)chunk);
        for (int i = 0; i < chunk; i++) {
            pn_datagram_t *d = &datagrams[sent + i];
            iov[i].iov_base = d->data;
            iov[i].iov_len = d->length;
            msgs[i].msg_hdr.msg_iov = &iov[i];
            msgs[i].msg_hdr.msg_iovlen = 1;
            msgs[i].msg_hdr.msg_name = &addrs[i];
            msgs[i].msg_hdr.msg_namelen = to_sockaddr(&d->peer, &addrs[i]);
        }
        int n = sendmmsg(fd, msgs, (unsigned)chunk, MSG_DONTWAIT);
        if (n <= 0) return sent > 0 ? sent : (n < 0 ? -errno : 0);
        sent += n;
        if (n < chunk) break;
    }
    return sent;
}

int pn_epoll_create(void) {
    int fd = epoll_create1(EPOLL_CLOEXEC);
    return fd < 0 ? -errno : fd;
}

int pn_epoll_add(int epfd, int fd, uint64_t token) {
    struct epoll_event ev;
    memset(&ev, 0, sizeof ev);
    ev.events = EPOLLIN;
    ev.data.u64 = token;
    return epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) == 0 ? 0 : -errno;
}

int pn_epoll_add_edge(int epfd, int fd, uint64_t token) {
    struct epoll_event ev;
    memset(&ev, 0, sizeof ev);
    ev.events = EPOLLIN | EPOLLET;
    ev.data.u64 = token;
    return epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) == 0 ? 0 : -errno;
}

int pn_epoll_del(int epfd, int fd) {
    return epoll_ctl(epfd, EPOLL_CTL_DEL, fd, NULL) == 0 ? 0 : -errno;
}

int pn_epoll_wait(int epfd, uint64_t *tokens, int max, int timeout_ms) {
    struct epoll_event events[64];
    if (max > 64) max = 64;
    int n = epoll_wait(epfd, events, max, timeout_ms);
    if (n < 0) return errno == EINTR ? 0 : -errno;
    for (int i = 0; i < n; i++) tokens[i] = events[i].data.u64;
    return n;
}

int pn_timerfd_create(unsigned period_us) {
    int fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    if (fd < 0) return -errno;
    struct itimerspec its;
    its.it_interval.tv_sec = period_us / 1000000;
    its.it_interval.tv_nsec = (long)(period_us % 1000000) * 1000;
    its.it_value = its.it_interval;
    if (timerfd_settime(fd, 0, &its, NULL) != 0) {
        int e = errno;
        close(fd);
        return -e;
    }
    return fd;
}

uint64_t pn_timerfd_read(int fd) {
    uint64_t n = 0;
    return read(fd, &n, sizeof n) == (ssize_t)sizeof n ? n : 0;
}

int pn_eventfd_create(void) {
    int fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    return fd < 0 ? -errno : fd;
}

int pn_eventfd_signal(int fd) {
    uint64_t one = 1;
    return write(fd, &one, sizeof one) == (ssize_t)sizeof one ? 0 : -errno;
}

uint64_t pn_eventfd_drain(int fd) {
    uint64_t n = 0;
    return read(fd, &n, sizeof n) == (ssize_t)sizeof n ? n : 0;
}

int pn_set_realtime(int priority) {
    struct sched_param sp;
    memset(&sp, 0, sizeof sp);
    sp.sched_priority = priority;
    int rc = pthread_setschedparam(pthread_self(), SCHED_RR, &sp);
    return rc == 0 ? 0 : -rc;
}

uint64_t pn_thread_cpu_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

uint64_t pn_monotonic_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}
