#!/usr/bin/env bash
# Answered calls per second against 9196 (echo) with SIPp's built-in uac, stepping the rate up
# until the first failed call; then the same with RTP (SIPp plays g711a.pcap in every call).
# Prints a line per step, and parley's CPU seconds and peak RSS; last line is one JSON object.
# Usage: scripts/bench-sipp.sh [CALLS_PER_STEP] [RATES...]   (uses .build/release/parley)
# RTP_RATES="25 50 ..." sets the RTP steps; HELD=1000 the calls held for the RSS figure.
# A step passes when SIPp reports no failed call; the figure is the last passing rate.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${PARLEY_BIN:-.build/release/parley}
CALLS=${1:-2000}
shift || true
RATES=${*:-"200 500 1000 1500 2000 2500 3000 4000"}
RTP_RATES=${RTP_RATES:-"25 50 100 150 200"}
WORK=$(mktemp -d /tmp/parley-bench.XXXXXX)
ln -s /usr/share/sip-tester "$WORK/pcap"   # SIPp's uac_pcap looks for pcap/g711a.pcap here
SIP_PORT=${SIP_PORT:-15160}
UAC_PORT=$((SIP_PORT + 2))

cat > "$WORK/parley.yaml" <<YAML
sip:
  port: $SIP_PORT
rtp:
  port_min: 40000
  port_max: 59999
storage:
  data_dir: $WORK/data
sounds: $PWD/sounds
log:
  level: warning
dialplan:
  - extension: "9196"
    action: echo
YAML

start_parley() {
	"$BIN" --config "$WORK/parley.yaml" > "$WORK/parley.log" 2>&1 &
	PID=$!
	sleep 1
}
stop_parley() { kill -TERM "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; }
trap 'stop_parley' EXIT

cpu_seconds() { awk '{print ($14 + $15) / 100}' "/proc/$PID/stat"; }
rss_kb() { awk '/VmRSS/ {print $2}' "/proc/$PID/status"; }

# RSS per call: a fresh parley holds HELD calls (echo, 30 s each) at once.
HELD=${HELD:-1000}
start_parley
base=$(rss_kb)
( cd "$WORK" && sipp "127.0.0.1:$SIP_PORT" -sn uac -s 9196 -i 127.0.0.1 -p $UAC_PORT -r 250 -m "$HELD" -l "$HELD" -d 30000 \
	-nostdin -timeout 90s -buff_size 4194304 > /dev/null 2>&1 ) &
HOLD=$!
sleep $((HELD / 250 + 3))
held=$(rss_kb)
kill -INT $HOLD 2>/dev/null || true
wait $HOLD 2>/dev/null || true
per_call=$(( (held - base) / HELD ))
echo "rss_base_kb=$base rss_with_${HELD}_calls_kb=$held rss_per_call_kb=$per_call"
stop_parley

# run_step MODE RATE -> prints "ok|fail achieved_cps cpu_ms_per_call"
run_step() {
	local mode=$1 rate=$2 calls=$CALLS scen=(-sn uac) extra=(-d 0 -l $((rate * 4)))
	if [ "$mode" = rtp ]; then
		# Each call plays g711a.pcap (about 8 s of PCMA) that the echo sends back.
		scen=(-sf "$PWD/Tests/Peers/sipp/uac_pcap.xml")
		calls=$((rate * 5))
		extra=(-l $((rate * 12)))
	fi
	local c0 t0 t1 c1 rc
	c0=$(cpu_seconds)
	t0=$(date +%s.%N)
	( cd "$WORK" && sipp "127.0.0.1:$SIP_PORT" "${scen[@]}" -s 9196 -i 127.0.0.1 -p $UAC_PORT "${extra[@]}" \
		-r "$rate" -m "$calls" -nostdin -timeout 120s -timeout_error \
		-buff_size 4194304 > "$WORK/sipp.out" 2>&1 ) && rc=0 || rc=$?
	t1=$(date +%s.%N)
	c1=$(cpu_seconds)
	local cps cpu_per_call
	cps=$(awk -v n="$calls" -v a="$t0" -v b="$t1" 'BEGIN{print n / (b - a)}')
	cpu_per_call=$(awk -v n="$calls" -v a="$c0" -v b="$c1" 'BEGIN{print (b - a) * 1000 / n}')
	printf '%s %.0f %.3f\n' "$([ $rc -eq 0 ] && echo ok || echo fail)" "$cps" "$cpu_per_call"
}

start_parley
best_plain=0; best_rtp=0; cpu_plain=0; cpu_rtp=0
for rate in $RATES; do
	read -r status cps cpu <<<"$(run_step plain "$rate")"
	echo "no-media rate=$rate status=$status achieved_cps=$cps parley_cpu_ms_per_call=$cpu rss_kb=$(rss_kb)"
	[ "$status" = ok ] || break
	best_plain=$rate; cpu_plain=$cpu
done
for rate in $RTP_RATES; do
	read -r status cps cpu <<<"$(run_step rtp "$rate")"
	echo "rtp rate=$rate status=$status concurrent_calls~$((rate * 8)) parley_cpu_ms_per_call=$cpu rss_kb=$(rss_kb)"
	[ "$status" = ok ] || break
	best_rtp=$rate; cpu_rtp=$cpu
done
printf '{"max_cps_no_media":%s,"cpu_ms_per_call_no_media":%s,"max_cps_with_rtp":%s,"cpu_ms_per_call_with_rtp":%s,"rss_per_call_kb":%s}\n' \
	"$best_plain" "$cpu_plain" "$best_rtp" "$cpu_rtp" "$per_call"
