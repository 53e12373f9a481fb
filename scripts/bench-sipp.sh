#!/usr/bin/env bash
# Answered calls per second against 9196 (echo) with SIPp's built-in uac, stepping the rate up
# until the first failed call; then the same with RTP (SIPp plays g711a.pcap in every call).
# Prints a line per step, and parley's CPU seconds and peak RSS; last line is one JSON object.
# Usage: scripts/bench-sipp.sh [CALLS_PER_STEP] [RATES...]   (uses .build/release/parley)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${PARLEY_BIN:-.build/release/parley}
CALLS=${1:-2000}
shift || true
RATES=${*:-"100 200 400 600 800 1000 1200 1500"}
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

"$BIN" --config "$WORK/parley.yaml" > "$WORK/parley.log" 2>&1 &
PID=$!
trap 'kill -TERM $PID 2>/dev/null || true; wait $PID 2>/dev/null || true' EXIT
sleep 1

cpu_seconds() { awk '{print ($14 + $15) / 100}' "/proc/$PID/stat"; }
rss_kb() { awk '/VmRSS/ {print $2}' "/proc/$PID/status"; }
hwm_kb() { awk '/VmHWM/ {print $2}' "/proc/$PID/status"; }

# run_step MODE RATE -> prints "ok|fail achieved_cps cpu_ms_per_call"
run_step() {
	local mode=$1 rate=$2 scen=(-sn uac) extra=()
	if [ "$mode" = rtp ]; then
		scen=(-sn uac_pcap)
		extra=(-mp 30000)
	fi
	local c0 t0 t1 c1 out
	c0=$(cpu_seconds)
	t0=$(date +%s.%N)
	( cd "$WORK" && sipp "127.0.0.1:$SIP_PORT" "${scen[@]}" -s 9196 -i 127.0.0.1 -p $UAC_PORT "${extra[@]}" \
		-r "$rate" -m "$CALLS" -l $((rate * 4)) -d 0 -nostdin -timeout 120s -timeout_error \
		-buff_size 4194304 -trace_stat -stf "$WORK/stat.csv" > "$WORK/sipp.out" 2>&1 ) && rc=0 || rc=$?
	t1=$(date +%s.%N)
	c1=$(cpu_seconds)
	local cps cpu_per_call
	cps=$(awk -v n="$CALLS" -v a="$t0" -v b="$t1" 'BEGIN{print n / (b - a)}')
	cpu_per_call=$(awk -v n="$CALLS" -v a="$c0" -v b="$c1" 'BEGIN{print (b - a) * 1000 / n}')
	printf '%s %.0f %.3f\n' "$([ $rc -eq 0 ] && echo ok || echo fail)" "$cps" "$cpu_per_call"
}

best_plain=0; best_rtp=0; cpu_plain=0; cpu_rtp=0
for mode in plain rtp; do
	for rate in $RATES; do
		read -r status cps cpu <<<"$(run_step $mode "$rate")"
		echo "$mode rate=$rate status=$status achieved_cps=$cps parley_cpu_ms_per_call=$cpu rss_kb=$(rss_kb)"
		[ "$status" = ok ] || break
		if [ "$mode" = plain ]; then best_plain=$cps; cpu_plain=$cpu; else best_rtp=$cps; cpu_rtp=$cpu; fi
		[ "$mode" = rtp ] && [ "$rate" -ge 400 ] && break   # the pcap is long: keep the RTP run bounded
	done
done

# RSS per call: hold 500 concurrent calls of 10 s and compare RSS.
base=$(rss_kb)
( cd "$WORK" && sipp "127.0.0.1:$SIP_PORT" -sn uac -s 9196 -i 127.0.0.1 -p $UAC_PORT -r 250 -m 500 -l 500 -d 10000 \
	-nostdin -timeout 60s > /dev/null 2>&1 ) &
HOLD=$!
sleep 5
held=$(rss_kb)
wait $HOLD || true
per_call=$(( (held - base) / 500 ))
echo "rss_base_kb=$base rss_500_calls_kb=$held rss_per_call_kb=$per_call peak_kb=$(hwm_kb)"
printf '{"max_cps_no_media":%s,"cpu_ms_per_call_no_media":%s,"max_cps_with_rtp":%s,"cpu_ms_per_call_with_rtp":%s,"rss_per_call_kb":%s}\n' \
	"$best_plain" "$cpu_plain" "$best_rtp" "$cpu_rtp" "$per_call"
