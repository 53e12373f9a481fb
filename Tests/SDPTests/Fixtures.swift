import Foundation

/// Realistic session descriptions, in the shape the named peers send them, written with LF line
/// ends and already in canonical form (RFC field order, single spaces), so that
/// `serialized()` must reproduce each one byte for byte once LF becomes CRLF.
enum Fixtures {
    struct Fixture {
        let name: String
        let text: String
        /// The text with CRLF line ends, as it travels in a SIP body.
        var crlf: String { text.replacingOccurrences(of: "\n", with: "\r\n") }
    }

    static let baresip = Fixture(name: "baresip", text: """
        v=0
        o=- 1214580378 1581453302 IN IP4 10.0.0.2
        s=-
        c=IN IP4 10.0.0.2
        t=0 0
        m=audio 13208 RTP/AVP 96 9 0 8 101
        b=AS:64
        a=rtpmap:96 opus/48000/2
        a=fmtp:96 stereo=1;sprop-stereo=1
        a=rtpmap:9 G722/8000
        a=rtpmap:0 PCMU/8000
        a=rtpmap:8 PCMA/8000
        a=rtpmap:101 telephone-event/8000
        a=fmtp:101 0-15
        a=rtcp-rsize
        a=label:1
        a=ssrc:2713123506 cname:sip:alice@example.com
        a=sendrecv
        a=ptime:20

        """)

    static let linphone = Fixture(name: "linphone", text: """
        v=0
        o=alice 2158 2543 IN IP4 192.168.0.10
        s=Talk
        c=IN IP4 192.168.0.10
        t=0 0
        a=rtcp-xr:rcvr-rtt=all:10000 stat-summary=loss,dup,jitt,TTL voip-metrics
        m=audio 7078 RTP/AVP 96 97 98 0 8 18 101 99 100
        a=rtpmap:96 opus/48000/2
        a=fmtp:96 useinbandfec=1
        a=rtpmap:97 SILK/16000
        a=rtpmap:98 speex/16000
        a=fmtp:98 vbr=on
        a=rtpmap:18 G729/8000
        a=fmtp:18 annexb=yes
        a=rtpmap:101 telephone-event/48000
        a=rtpmap:99 telephone-event/16000
        a=rtpmap:100 telephone-event/8000
        a=rtcp-fb:* trr-int 1000
        a=rtcp-fb:* ccm tmmbr
        m=video 9078 RTP/AVP 103
        a=rtpmap:103 VP8/90000
        a=rtcp-fb:103 nack pli
        a=rtcp-fb:103 ccm fir
        a=rtcp-fb:* trr-int 1000

        """)

    static let sippUAC = Fixture(name: "SIPp uac", text: """
        v=0
        o=user1 53655765 2353687637 IN IP4 127.0.0.1
        s=-
        c=IN IP4 127.0.0.1
        t=0 0
        m=audio 6000 RTP/AVP 0
        a=rtpmap:0 PCMU/8000

        """)

    static let freeswitch = Fixture(name: "FreeSWITCH", text: """
        v=0
        o=FreeSWITCH 1700000000 1700000001 IN IP4 203.0.113.5
        s=FreeSWITCH
        c=IN IP4 203.0.113.5
        t=0 0
        m=audio 16384 RTP/AVP 0 8 101 13
        a=rtpmap:0 PCMU/8000
        a=rtpmap:8 PCMA/8000
        a=rtpmap:101 telephone-event/8000
        a=fmtp:101 0-16
        a=rtpmap:13 CN/8000
        a=ptime:20
        a=sendrecv
        a=rtcp:16385 IN IP4 203.0.113.5

        """)

    static let asterisk = Fixture(name: "Asterisk", text: """
        v=0
        o=- 1290373428 1290373428 IN IP4 198.51.100.7
        s=Asterisk
        c=IN IP4 198.51.100.7
        t=0 0
        m=audio 18230 RTP/AVP 0 8 3 101
        a=rtpmap:0 PCMU/8000
        a=rtpmap:8 PCMA/8000
        a=rtpmap:3 GSM/8000
        a=rtpmap:101 telephone-event/8000
        a=fmtp:101 0-16
        a=ptime:20
        a=maxptime:150
        a=sendrecv

        """)

    static let polycom = Fixture(name: "Polycom", text: """
        v=0
        o=- 1700001234 1700001234 IN IP4 10.1.2.30
        s=Polycom IP Phone
        c=IN IP4 10.1.2.30
        t=0 0
        a=sendrecv
        m=audio 2222 RTP/AVP 9 102 0 8 18 127
        a=rtpmap:9 G722/8000
        a=rtpmap:102 G7221/16000
        a=fmtp:102 bitrate=32000
        a=rtpmap:0 PCMU/8000
        a=rtpmap:8 PCMA/8000
        a=rtpmap:18 G729/8000
        a=fmtp:18 annexb=no
        a=rtpmap:127 telephone-event/8000

        """)

    static let yealink = Fixture(name: "Yealink", text: """
        v=0
        o=- 20044 20044 IN IP4 192.168.10.23
        s=SDP data
        c=IN IP4 192.168.10.23
        t=0 0
        m=audio 11796 RTP/AVP 0 8 18 9 101
        a=rtpmap:0 PCMU/8000
        a=rtpmap:8 PCMA/8000
        a=rtpmap:18 G729/8000
        a=fmtp:18 annexb=no
        a=rtpmap:9 G722/8000
        a=fmtp:101 0-15
        a=rtpmap:101 telephone-event/8000
        a=ptime:20
        a=sendrecv

        """)

    static let opusIPv6 = Fixture(name: "Opus over IPv6 with rtcp-mux", text: """
        v=0
        o=- 4611731400430051336 2 IN IP6 2001:db8::10
        s=-
        c=IN IP6 2001:db8::10
        t=0 0
        m=audio 50000 RTP/AVP 111 0 126
        b=AS:84
        b=TIAS:64000
        a=rtpmap:111 opus/48000/2
        a=fmtp:111 minptime=10;useinbandfec=1;maxaveragebitrate=64000
        a=rtpmap:126 telephone-event/8000
        a=fmtp:126 0-15
        a=ptime:20
        a=maxptime:120
        a=rtcp-mux
        a=rtcp:50000 IN IP6 2001:db8::10
        a=sendrecv

        """)

    static let srtp = Fixture(name: "SDES-SRTP with two crypto lines", text: """
        v=0
        o=- 3758321871 3758321872 IN IP4 192.0.2.44
        s=call
        c=IN IP4 192.0.2.44
        t=0 0
        m=audio 40376 RTP/SAVP 8 0 101
        a=rtpmap:8 PCMA/8000
        a=rtpmap:0 PCMU/8000
        a=rtpmap:101 telephone-event/8000
        a=fmtp:101 0-16
        a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz|2^20|1:32
        a=crypto:2 AES_CM_128_HMAC_SHA1_32 inline:NzB4d1BINUAvLEw6UzF3WSJ+PSdFcGdUJShpX1Zj|2^20|1:32 UNENCRYPTED_SRTCP
        a=sendrecv

        """)

    static let hold = Fixture(name: "RFC 2543 hold (sendonly, c=0.0.0.0)", text: """
        v=0
        o=- 1290373428 1290373429 IN IP4 198.51.100.7
        s=Asterisk
        c=IN IP4 0.0.0.0
        t=0 0
        m=audio 18230 RTP/AVP 0 101
        a=rtpmap:0 PCMU/8000
        a=rtpmap:101 telephone-event/8000
        a=fmtp:101 0-16
        a=sendonly

        """)

    static let rejectedVideo = Fixture(name: "answer rejecting video (port 0)", text: """
        v=0
        o=bob 2890844730 2890844731 IN IP4 host.example.com
        s=\u{20}
        c=IN IP4 192.0.2.99
        t=0 0
        m=audio 49174 RTP/AVP 0
        a=rtpmap:0 PCMU/8000
        a=recvonly
        m=video 0 RTP/AVP 31

        """)

    /// RFC 4566 §5's seminar example, with every session-level line type and a repeat.
    static let rfcSeminar = Fixture(name: "RFC 4566 seminar", text: """
        v=0
        o=jdoe 2890844526 2890842807 IN IP4 10.47.16.5
        s=SDP Seminar
        i=A Seminar on the session description protocol
        u=http://www.example.com/seminars/sdp.pdf
        e=j.doe@example.com (Jane Doe)
        p=+1 617 555-6011
        c=IN IP4 224.2.17.12/127
        t=2873397496 2873404696
        r=7d 1h 0 25h
        z=2882844526 -1h 2898848070 0
        k=prompt
        a=recvonly
        m=audio 49170 RTP/AVP 0
        m=video 51372/2 RTP/AVP 99
        i=Slides
        c=IN IP6 ff15::101/3
        b=AS:128
        a=rtpmap:99 h263-1998/90000

        """)

    static let all: [Fixture] = [
        baresip, linphone, sippUAC, freeswitch, asterisk, polycom, yealink,
        opusIPv6, srtp, hold, rejectedVideo, rfcSeminar,
    ]
}
