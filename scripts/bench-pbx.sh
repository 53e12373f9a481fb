#!/usr/bin/env bash
# PBX figures with SIPp against .build/release/parley on loopback:
#  1. REGISTER/s with digest auth (401 then authenticated REGISTER, binding written to SQLite);
#  2. calls/s phone to phone through the B2BUA (caller authenticates with 407; the callee is a
#     registered SIPp UAS), and parley's CPU per call.
# Each step passes when SIPp reports no failed call. Last line: one JSON object.
# Usage: scripts/bench-pbx.sh [REG_RATES] [CALL_RATES]   e.g. scripts/bench-pbx.sh "500 1000 2000" "50 100 200 400"
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${PARLEY_BIN:-.build/release/parley}
REG_RATES=${1:-"250 500 1000 2000"}
CALL_RATES=${2:-"50 100 200 400"}
WORK=$(mktemp -d /tmp/parley-bench-pbx.XXXXXX)
SIP_PORT=${SIP_PORT:-15360}
UAS_PORT=$((SIP_PORT + 4))
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
users:
  - extension: "1001"
    password: alice-secret-1001
  - extension: "1002"
    password: bob-secret-1002
    max_contacts: 1
security:
  digest_algorithms: [MD5]
  auth_failures_before_block: 100000
YAML
"$BIN" --config "$WORK/parley.yaml" > "$WORK/parley.log" 2>&1 &
PID=$!
trap 'kill -TERM $PID 2>/dev/null || true; wait $PID 2>/dev/null || true; kill $UASPID 2>/dev/null || true' EXIT
UASPID=0
sleep 1
cpu() { awk '{print ($14 + $15) / 100}' "/proc/$PID/stat"; }
sippit() { ( cd "$WORK" && sipp "$@" -nostdin -buff_size 4194304 -timeout 120s -timeout_error > "$WORK/sipp.out" 2>&1 ); }

best_reg=0
for rate in $REG_RATES; do
	c0=$(cpu); t0=$(date +%s.%N)
	if sippit "127.0.0.1:$SIP_PORT" -sf "$PWD/Tests/Peers/sipp/reg_auth.xml" -s 1001 -au 1001 -ap alice-secret-1001 \
		-i 127.0.0.1 -p $((SIP_PORT + 2)) -key contact_port 40999 -key expires 600 -r "$rate" -m $((rate * 5)) -l $((rate * 2)); then ok=ok; else ok=fail; fi
	t1=$(date +%s.%N); c1=$(cpu)
	awk -v n=$((rate * 5)) -v a="$t0" -v b="$t1" -v c="$c0" -v d="$c1" -v r="$rate" -v s="$ok" \
		'BEGIN{printf "register rate=%d status=%s achieved_per_s=%.0f parley_cpu_us_per_register=%.0f\n", r, s, n/(b-a), (d-c)*1e6/n}'
	[ "$ok" = ok ] || break
	best_reg=$rate
done

# The callee: a SIPp UAS registered as 1002 (one contact).
( cd "$WORK" && sipp -sn uas -i 127.0.0.1 -p $UAS_PORT -nostdin -buff_size 4194304 > "$WORK/uas.out" 2>&1 ) &
UASPID=$!
sleep 0.5
sippit "127.0.0.1:$SIP_PORT" -sf "$PWD/Tests/Peers/sipp/reg_auth.xml" -s 1002 -au 1002 -ap bob-secret-1002 \
	-i 127.0.0.1 -p $((SIP_PORT + 2)) -key contact_port $UAS_PORT -key expires 3600 -m 1
best_call=0; cpu_call=0
for rate in $CALL_RATES; do
	c0=$(cpu); t0=$(date +%s.%N)
	if sippit "127.0.0.1:$SIP_PORT" -sf "$PWD/Tests/Peers/sipp/uac_auth.xml" -s 1002 -au 1001 -ap alice-secret-1001 \
		-key from_user 1001 -auth_uri "1002@127.0.0.1:$SIP_PORT" -i 127.0.0.1 -p $((SIP_PORT + 2)) \
		-r "$rate" -m $((rate * 5)) -l $((rate * 4)) -d 0; then ok=ok; else ok=fail; fi
	t1=$(date +%s.%N); c1=$(cpu)
	line=$(awk -v n=$((rate * 5)) -v a="$t0" -v b="$t1" -v c="$c0" -v d="$c1" -v r="$rate" -v s="$ok" \
		'BEGIN{printf "b2bua rate=%d status=%s achieved_cps=%.0f parley_cpu_ms_per_call=%.2f", r, s, n/(b-a), (d-c)*1000/n}')
	echo "$line"
	[ "$ok" = ok ] || break
	best_call=$rate; cpu_call=$(echo "$line" | sed 's/.*parley_cpu_ms_per_call=//')
done
printf '{"max_register_per_s":%s,"max_b2bua_cps":%s,"cpu_ms_per_b2bua_call":%s}\n' "$best_reg" "$best_call" "$cpu_call"
