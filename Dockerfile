#
# zigmqtt: Zigbee-to-MQTT bridge (README "Docker" has the full story: compose, devices, upgrading).
#
# Build:
#   docker build -t zigmqtt .
# The base is the official Node image; any Debian bookworm-based image with node and npm in /usr/local/bin and a
# `node` user (uid 1000) works: docker build --build-arg NODE_IMAGE=<image> (npm run docker:test builds one locally).
#
# Run with a USB coordinator; everything the bridge keeps (configuration.yaml, database.db, coordinator_backup.json,
# state.json, log/) lives in the /app/data volume:
#   docker run -d --name zigmqtt --restart unless-stopped \
#     --device /dev/serial/by-id/usb-ITead_Sonoff_Zigbee_3.0_USB_Dongle_Plus_...-if00-port0:/dev/ttyACM0 \
#     -v zigmqtt-data:/app/data \
#     -p 8080:8080 \
#     -e TZ=Europe/Amsterdam \
#     zigmqtt
#
# - It runs as the unprivileged user `node` (uid 1000) in the group dialout (gid 20), which owns serial devices on
#   Debian/Ubuntu/Raspberry Pi OS hosts. If the host's device has another group: --group-add <its gid>.
# - A bind-mounted data directory must be writable by uid 1000 (sudo chown -R 1000:1000 ./data), or run as its owner
#   with --user <uid>:<gid> --group-add dialout.
# - serial.port in configuration.yaml names the device as the container sees it (/dev/ttyACM0 above).
# - With serial.port unset the bridge looks for a stick by its USB ids; inside a container that needs the host's
#   udev database: add -v /run/udev:/run/udev:ro (or simply set serial.port).
# - A network coordinator (serial.port: tcp://192.168.1.20:6638) needs no --device.
# - Without a configuration.yaml the first start writes one from configuration.example.yaml: the virtual
#   coordinator and an embedded MQTT broker, inside the container.
ARG NODE_IMAGE=node:24-bookworm-slim

# ---- build: install with dev dependencies, compile (npm run build = package.json "prepare"), drop dev deps ----
FROM ${NODE_IMAGE} AS build
# serialport ships prebuilt binaries for linux x64, arm64 and armv7; elsewhere it compiles, which needs a toolchain.
RUN case "$(dpkg --print-architecture)" in \
      amd64|arm64|armhf) ;; \
      *) apt-get update && apt-get install -y --no-install-recommends python3 make g++ \
         && rm -rf /var/lib/apt/lists/* ;; \
    esac
WORKDIR /app
# Dependencies first: their layer is reused until package.json or package-lock.json changes. (--ignore-scripts keeps
# our own "prepare" = build for later; `npm rebuild` then runs the dependencies' install scripts.)
# Behind a TLS-intercepting proxy, give npm the proxy's CA for this step only (it stays out of the image):
#   docker build --secret id=ca,src=/etc/ssl/certs/ca-certificates.crt .
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm --mount=type=secret,id=ca \
  if [ -s /run/secrets/ca ]; then export NODE_EXTRA_CA_CERTS=/run/secrets/ca; fi \
  && npm ci --ignore-scripts --no-audit --no-fund \
  && npm rebuild --no-audit --no-fund
COPY tsconfig.json ./
COPY lib ./lib
# Then only what runs: no dev dependencies, no source maps or type declarations, no other platforms' binaries.
RUN npm run build \
  && npm prune --omit=dev --no-audit --no-fund \
  && find dist -name '*.map' -delete \
  && find node_modules \( -name '*.d.ts' -o -name '*.d.mts' -o -name '*.d.cts' -o -name '*.map' \) -type f -delete \
  && find node_modules -type d -path '*/prebuilds/*' \( -name 'win32-*' -o -name 'darwin-*' -o -name 'android-*' \) \
       -prune -exec rm -rf {} +

# ---- runtime ----
FROM ${NODE_IMAGE}
# tini: PID 1 that forwards signals, so `docker stop` lets the bridge close the adapter and save state.
# tzdata: local-time log timestamps with -e TZ=…  udev: udevadm, which serialport uses to list ports (from the
# host's /run/udev; the hardware database, 22 MB, is not needed for that).
# dialout: the group of serial devices (the user `node` comes with the base image).
RUN apt-get update \
  && apt-get install -y --no-install-recommends tini tzdata udev \
  && rm -rf /var/lib/apt/lists/* /var/cache/debconf/*-old /var/log/apt /var/log/dpkg.log \
     /usr/lib/udev/hwdb.bin /usr/lib/udev/hwdb.d \
  && usermod -a -G dialout node \
  && mkdir -p /app/data && chown node:node /app/data
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/dist ./dist
COPY --from=build /app/node_modules ./node_modules
COPY package.json configuration.example.yaml ./
ENV ZIGMQTT_DATA=/app/data
VOLUME /app/data
USER node
ARG ZIGMQTT_VERSION=dev
LABEL org.opencontainers.image.title="zigmqtt" \
      org.opencontainers.image.description="Zigbee-to-MQTT bridge with zigbee2mqtt's MQTT API, configuration and data directory; built-in virtual coordinator" \
      org.opencontainers.image.licenses="MIT" \
      org.opencontainers.image.version="${ZIGMQTT_VERSION}"
# frontend / onboarding
EXPOSE 8080
# Asks the bridge over MQTT (its own broker settings) for bridge/request/health_check: healthy = the Zigbee adapter
# is up and MQTT connected.
HEALTHCHECK --interval=60s --timeout=20s --start-period=60s --retries=3 CMD ["node", "dist/probe.js", "health"]
ENTRYPOINT ["/usr/bin/tini", "--"]
# = npm start (package.json "start"), without npm in between so signals reach node; the flag caps V8's young
# generation at 2 × 8 MB (README "Performance": less resident memory idle and under load)
CMD ["node", "--max-semi-space-size=8", "dist/index.js"]
