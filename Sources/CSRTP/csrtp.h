/* libsrtp2 (RFC 3711 SRTP, RFC 7714 AES-GCM) for the SRTP module. Only SRTP imports this module. */
#include <srtp2/srtp.h>
