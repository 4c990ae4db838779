#!/usr/bin/env bash
# npm run docker:test — builds the Docker image and checks it end to end, on a machine that reaches the Debian and
# npm registries but no container registry (rootful Podman from Debian packages; the base image made locally by
# scripts/docker-base.sh and cached). The containers under test get no network at all (--network none): every
# check runs inside them (dist/probe.js, the image's own health probe).
#
# Checks: image metadata (non-root user in dialout, tini, volume, health check, labels); first start on the
# embedded defaults → bridge/state online, the health check, the demo lamp answers a /set; stop → exit code 0
# within the stop timeout, state.json saved in the volume; a second container on the same volume → same network
# and devices, the lamp's state kept; the web frontend answers on 8080 when the build has it; a serial device
# passed with --device is there and read/writable by the container's user, and the bridge runs over it (the
# simulator behind a pseudo-terminal standing in for the USB stick).
#
# Environment: ZIGMQTT_DOCKER_FRONTEND=auto|1|0 (auto: check 8080 when dist/features/frontend/frontend.js is in the
# image; 1: the check must run), ZIGMQTT_DOCKER_KEEP=1 (keep the test containers and volumes), and those of
# scripts/docker-base.sh. Exit codes: 0 passed, 1 failed, 77 this machine cannot run containers (reason printed).
set -euo pipefail
cd "$(dirname "$0")/.."

IMAGE=localhost/zigmqtt:test
STOP_TIMEOUT=10 # seconds: podman's and docker's default
ONLINE_TIMEOUT=180
t_all=$(date +%s.%N)
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
say() { echo "docker-test: $*"; }
fail() {
  echo "docker-test: FAILED: $*" >&2
  exit 1
}
cannot() {
  echo "docker-test: cannot run here: $*" >&2
  exit 77
}
summary=()
note() {
  summary+=("$1")
  say "$1"
}

# ---- tools ----
[ "$(id -u)" = 0 ] || cannot "needs root (rootful Podman and apt-get)"
[ "$(uname -s)" = Linux ] || cannot "needs Linux"
need=()
command -v podman >/dev/null || need+=(podman)
command -v runc >/dev/null || need+=(runc)
command -v mmdebstrap >/dev/null || need+=(mmdebstrap)
command -v socat >/dev/null || need+=(socat)
command -v npm >/dev/null || cannot "needs npm (to fetch Node for the base image)"
if [ ${#need[@]} -gt 0 ]; then
  command -v apt-get >/dev/null || cannot "needs ${need[*]} and there is no apt-get"
  say "installing ${need[*]} from Debian packages"
  t=$(now)
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    -o DPkg::Lock::Timeout=600 "${need[@]}" >/dev/null; } || cannot "apt-get install ${need[*]} failed"
  note "installed ${need[*]} in $(since "$t") s"
fi

work=$(mktemp -d /tmp/zigmqtt-docker-test.XXXXXX)
# Podman settings for a VM without systemd: cgroupfs, events in a file, runc (crun refuses hybrid cgroups), and
# explicit ulimits (Podman's rootful defaults raise them, which needs CAP_SYS_RESOURCE).
cat >"$work/containers.conf" <<EOF
[containers]
default_ulimits = ["nofile=$(ulimit -Hn):$(ulimit -Hn)", "nproc=4096:4096"]
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
runtime = "runc"
EOF
export CONTAINERS_CONF="$work/containers.conf"
podman info >/dev/null 2>"$work/podman-info.err" || cannot "podman does not work: $(tail -1 "$work/podman-info.err")"

run_id=$$
containers=()
volumes=()
pids=()
cleanup() {
  local rc=$?
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  if [ "${ZIGMQTT_DOCKER_KEEP:-}" = 1 ]; then
    say "kept containers ${containers[*]:-none} and volumes ${volumes[*]:-none}"
  else
    for c in "${containers[@]}"; do podman rm -f -v -t 0 "$c" >/dev/null 2>&1 || true; done
    for v in "${volumes[@]}"; do podman volume rm -f "$v" >/dev/null 2>&1 || true; done
    rm -rf "$work"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Runs the image's probe inside a container (it has no network: the probe talks to the bridge's own broker).
probe() {
  local c=$1
  shift
  podman exec "$c" node dist/probe.js "$@"
}
show_log() {
  echo "---- last lines of $1's log ----" >&2
  podman logs --tail 40 "$1" >&2 2>&1 || true
}
# Starts a container (detached); $1 is its name, the rest go to podman run before the image.
start() {
  local name=$1
  shift
  containers+=("$name")
  podman run -d --name "$name" --stop-timeout "$STOP_TIMEOUT" "$@" "$IMAGE" >/dev/null 2>"$work/run.err" ||
    fail "podman run $name: $(grep -v systemd "$work/run.err" | tail -3)"
}
# Waits until the probe sees bridge/state online; prints the seconds since $2. (The probe, started at once, keeps
# trying while the bridge starts: the time is to within its 0.2 s retry step.)
wait_online() {
  local c=$1 t0=$2 out
  out=$(probe "$c" online --wait --timeout "$ONLINE_TIMEOUT" 2>&1) || {
    show_log "$c"
    fail "$c: no bridge/state online within $ONLINE_TIMEOUT s (probe: $out)"
  }
  since "$t0"
}
# The bridge's own start time, from its log.
started_in() { podman logs "$1" 2>&1 | grep -o 'zigmqtt started in [0-9]* ms' | tail -1 || true; }
# Stops a container; checks exit code 0 within the stop timeout (no SIGKILL); prints the seconds taken.
stop_clean() {
  local c=$1 t code
  t=$(now)
  podman stop -t "$STOP_TIMEOUT" "$c" >/dev/null 2>"$work/stop.err" || fail "podman stop $c: $(grep -v systemd "$work/stop.err")"
  local took
  took=$(since "$t")
  code=$(podman inspect -f '{{.State.ExitCode}}' "$c")
  [ "$code" = 0 ] || {
    show_log "$c"
    fail "$c exited with code $code on stop (137 = killed after the ${STOP_TIMEOUT} s stop timeout)"
  }
  echo "$took"
}

# ---- base image (cached) and the image ----
t=$(now)
base=$(bash scripts/docker-base.sh) || fail "building the base image failed"
note "base image $base ready in $(since "$t") s"

version=$(node -p 'require("./package.json").version' 2>/dev/null || echo dev)
build_args=(--pull=never --network=host --format docker --layers
  --build-arg "NODE_IMAGE=$base" --build-arg "ZIGMQTT_VERSION=$version")
# The machine's CA bundle, for npm behind a TLS-intercepting proxy (a build secret: not kept in the image).
ca=${NODE_EXTRA_CA_CERTS:-/etc/ssl/certs/ca-certificates.crt}
[ -s "$ca" ] && build_args+=(--secret "id=ca,src=$ca")
say "building $IMAGE (podman build ${build_args[*]} .)"
t=$(now)
# The build stage is tagged too, so it stays as the layer cache of the next run (npm ci is redone only when the
# lockfile changes) while the previous runs' untagged images are pruned.
{ podman build "${build_args[@]}" --target build -t "$IMAGE-build" . && podman build "${build_args[@]}" -t "$IMAGE" .; } \
  >"$work/build.log" 2>&1 || {
  tail -30 "$work/build.log" >&2
  fail "podman build failed"
}
note "image built in $(since "$t") s"
podman image prune -f >/dev/null 2>&1 || true

# ---- what is in the image ----
podman image inspect "$IMAGE" >"$work/inspect.json"
meta=$(node -e '
  const i = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"))[0];
  const c = i.Config, problems = [];
  if (c.User !== "node") problems.push(`user is "${c.User}", not node`);
  if (JSON.stringify(c.Entrypoint) !== JSON.stringify(["/usr/bin/tini", "--"])) problems.push("entrypoint is not tini");
  if (!c.Volumes || !("/app/data" in c.Volumes)) problems.push("no /app/data volume");
  if (!i.Healthcheck || !i.Healthcheck.Test.join(" ").includes("dist/probe.js")) problems.push("no health check");
  if (c.Labels?.["org.opencontainers.image.title"] !== "zigmqtt") problems.push("no OCI labels");
  if (problems.length) { console.log(problems.join("; ")); process.exit(1); }
  console.log(`${Math.round(i.Size / 1e6)} MB; user ${c.User}; entrypoint ${c.Entrypoint.join(" ")}; health check ${i.Healthcheck.Test.slice(1).join(" ")}`);
' "$work/inspect.json") || fail "image metadata: $meta"
note "image: $meta"
parts=$(podman run --rm --network none --entrypoint sh "$IMAGE" -c '
  id; du -sk /usr/local/bin/node /usr/local/lib/node_modules/npm /app/node_modules /app/dist /usr/lib/x86_64-linux-gnu \
    /usr/lib/aarch64-linux-gnu /usr/share /usr/bin /var 2>/dev/null | sort -rn
  du -sk /app/node_modules/* /app/node_modules/@*/* 2>/dev/null | sort -rn | head -5' 2>/dev/null) ||
  fail "cannot list the image's contents"
echo "$parts" | head -1 | grep -q '(dialout)' || fail "the user is not in the dialout group: $(echo "$parts" | head -1)"
note "largest parts (KB): $(echo "$parts" | tail -n +2 | awk '{ printf "%s%s %s", (NR > 1 ? ", " : ""), $2, $1 }')"

frontend=${ZIGMQTT_DOCKER_FRONTEND:-auto}
if [ "$frontend" = auto ]; then
  if podman run --rm --network none --entrypoint test "$IMAGE" -f dist/features/frontend/frontend.js 2>/dev/null; then
    frontend=1
  else
    frontend=0
    note "web frontend: not in this build (no dist/features/frontend/frontend.js), the 8080 check does not apply"
  fi
fi
if [ "$frontend" = 1 ] && ! podman run --rm --network none --entrypoint test "$IMAGE" -f dist/features/frontend/frontend.js 2>/dev/null; then
  fail "ZIGMQTT_DOCKER_FRONTEND=1, but the image has no web frontend (dist/features/frontend/frontend.js)"
fi
frontend_env=()
[ "$frontend" = 1 ] && frontend_env=(-e ZIGMQTT_CONFIG_FRONTEND_ENABLED=true)

# ---- first start on the embedded defaults: virtual coordinator + embedded broker, no network ----
vol="zigmqtt-test-data-$run_id"
volumes+=("$vol")
podman volume create "$vol" >/dev/null
c1="zigmqtt-test-$run_id-1"
t=$(now)
start "$c1" --network none -v "$vol:/app/data" "${frontend_env[@]}"
note "first start → bridge/state online in $(wait_online "$c1" "$t") s ($(started_in "$c1"))"
podman top "$c1" user pid args >"$work/top.txt" 2>/dev/null || true
awk 'NR > 1 && $2 == 1 && $3 !~ /tini/ { bad = 1 } NR > 1 && /dist\/index.js/ && $1 == "root" { bad = 1 } END { exit bad }' \
  "$work/top.txt" || fail "processes: PID 1 must be tini and the bridge not root: $(cat "$work/top.txt")"
note "health check: $(probe "$c1" health)"
podman healthcheck run "$c1" >"$work/hc.out" 2>&1 || fail "podman healthcheck run: $(cat "$work/hc.out")"
brightness=$((RANDOM % 200 + 20))
lamp=$(probe "$c1" set demo_lamp "{\"state\":\"ON\",\"brightness\":$brightness}" --timeout 20) || fail "demo_lamp /set: $lamp"
note "demo_lamp /set answered: $lamp"
network=$(probe "$c1" network --timeout 20) || fail "bridge/info: $network"
say "network and devices: $network"
if [ "$frontend" = 1 ]; then
  http=$(probe "$c1" http --timeout 20) || fail "web frontend: $http"
  note "web frontend: $http"
fi
took=$(stop_clean "$c1")
note "stop: exit code 0 in $took s (stop timeout $STOP_TIMEOUT s)"
data=$(podman volume inspect -f '{{.Mountpoint}}' "$vol")
node -e '
  const [file, want] = process.argv.slice(1);
  let state = {};
  try { state = JSON.parse(require("fs").readFileSync(file, "utf8")); } catch (e) { console.log(e.message); process.exit(1); }
  const lamp = Object.values(state).find((s) => s && s.brightness === Number(want) && s.state === "ON");
  if (!lamp) { console.log(`no ON lamp with brightness ${want} in ${file}`); process.exit(1); }
' "$data/virtual/state.json" "$brightness" || fail "state.json was not saved on stop"
note "state saved: virtual/state.json has the lamp at brightness $brightness; data volume: $(cd "$data" && ls | tr '\n' ' ')"

# ---- second start on the same volume: devices, network and state kept ----
c2="zigmqtt-test-$run_id-2"
t=$(now)
start "$c2" --network none -v "$vol:/app/data" "${frontend_env[@]}"
note "second start → bridge/state online in $(wait_online "$c2" "$t") s ($(started_in "$c2"))"
again=$(probe "$c2" network --timeout 20) || fail "bridge/info after the restart: $again"
[ "$again" = "$network" ] || fail "network or devices changed across the restart: $network → $again"
lamp=$(probe "$c2" get demo_lamp '{"brightness":"","state":""}' --timeout 20) || fail "demo_lamp /get: $lamp"
node -e 'const s = JSON.parse(process.argv[1]); process.exit(s.brightness === Number(process.argv[2]) && s.state === "ON" ? 0 : 1)' \
  "$lamp" "$brightness" || fail "demo_lamp lost its state: $lamp (expected ON, brightness $brightness)"
note "after the restart: same network and devices, demo_lamp still ON at brightness $brightness"
if [ "$frontend" = 1 ]; then
  http=$(probe "$c2" http --timeout 20) || fail "web frontend after the restart: $http"
fi
note "second stop: exit code 0 in $(stop_clean "$c2") s"

source "$(dirname "$0")/docker-test-serial.sh"

say "---- summary ----"
printf '  %s\n' "${summary[@]}"
say "PASSED in $(since "$t_all") s"
