# Sourced by scripts/docker-test.sh: a serial "USB stick" for the container.
#
# The stand-in stick is the image's own simulator (a virtual Z-Stack coordinator on TCP, in a container of its own
# on the host's loopback) behind a pseudo-terminal made by socat on the host, owned root:dialout mode 660 like a USB
# serial device on Debian. The bridge's container still has no network.
#
# 1. `--device <pty>:/dev/ttyZigbee`: the device node is there, and the container's user (node, in dialout, not
#    root) may read and write it. (A pty node made with mknod, as --device does in a rootful container, cannot be
#    opened: Linux opens a pty only through its own devpts mount. A USB stick, ttyUSB/ttyACM, has no such limit.)
# 2. The same pty bind-mounted (-v, plus a device cgroup rule for pty devices): the bridge starts on it with
#    serial.port /dev/ttyZigbee and adapter zstack, reaches bridge/state online, and stops cleanly.

sim="zigmqtt-test-$run_id-simulator"
containers+=("$sim")
podman run -d --name "$sim" --network host --entrypoint node "$IMAGE" dist/simulator/cli.js --port 0 --scenario demo \
  >/dev/null 2>"$work/run.err" || fail "simulator container: $(grep -v systemd "$work/run.err" | tail -3)"
sim_port=""
for _ in $(seq 1 600); do
  sim_port=$(podman logs "$sim" 2>/dev/null | sed -nE 's/.*listening on tcp:\/\/127\.0\.0\.1:([0-9]+).*/\1/p' | head -1)
  [ -n "$sim_port" ] && break
  [ "$(podman inspect -f '{{.State.Running}}' "$sim")" = true ] || {
    show_log "$sim"
    fail "the simulator container exited"
  }
  sleep 0.2
done
[ -n "$sim_port" ] || fail "the simulator did not report its port"

# wait-slave: connect to the simulator only once the bridge opens the port; ignoreeof: survive the port's close.
socat "PTY,link=$work/ttyZigbee,raw,echo=0,wait-slave,ignoreeof" "TCP:127.0.0.1:$sim_port,nodelay" \
  2>"$work/socat.log" &
pids+=($!)
for _ in $(seq 1 100); do
  [ -e "$work/ttyZigbee" ] && break
  sleep 0.05
done
pty=$(readlink -f "$work/ttyZigbee") || fail "socat did not create the pseudo-terminal: $(cat "$work/socat.log")"
chown root:dialout "$pty" && chmod 660 "$pty"

seen=$(podman run --rm --network none --device "$pty:/dev/ttyZigbee" "$IMAGE" \
  node dist/probe.js device /dev/ttyZigbee 2>"$work/run.err") ||
  fail "--device $pty:/dev/ttyZigbee: ${seen:-$(grep -v systemd "$work/run.err" | tail -3)}"
note "--device: $seen"

vol2="zigmqtt-test-serial-$run_id"
volumes+=("$vol2")
c3="zigmqtt-test-$run_id-serial"
t=$(now)
start "$c3" --network none -v "$vol2:/app/data" -v "$pty:/dev/ttyZigbee" --device-cgroup-rule 'c 136:* rwm' \
  -e ZIGMQTT_CONFIG_SERIAL_PORT=/dev/ttyZigbee -e ZIGMQTT_CONFIG_SERIAL_ADAPTER=zstack
note "over the serial device: bridge/state online in $(wait_online "$c3" "$t") s ($(started_in "$c3"))"
coordinator=$(probe "$c3" network --timeout 20) || fail "bridge/info over the serial device: $coordinator"
say "over the serial device: $coordinator"
note "over the serial device: stop with exit code 0 in $(stop_clean "$c3") s"
