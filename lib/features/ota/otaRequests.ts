import { unlinkSync } from "node:fs";
import { BridgeError, errorMessage } from "../../util/errors.js";
import type { BridgeDevice } from "../../zigbee/bridgeDevice.js";
import { findDevice, invalid, keyOrField, requireKey } from "../bridge/payloadFields.js";
import type { RequestModule } from "../bridge/requests.js";
import type { BridgeContext } from "../context.js";
import { dataOverrides, sourceFromPayload } from "./otaSource.js";
import type { OtaUpdates } from "./otaUpdates.js";

const ID_EXAMPLE = '{"id": "my_plug"}';

function fields(payload: unknown): Record<string, unknown> {
  return typeof payload === "object" && payload !== null && !Array.isArray(payload)
    ? (payload as Record<string, unknown>)
    : {};
}

/**
 * zigbee2mqtt's `bridge/request/device/ota_update/…` requests (check, update, schedule, unschedule, update/abort and
 * the /downgrade variants), plus zigmqtt's queue: `update` with a list of ids, and `update_all` (every device with an
 * update available) respond once the devices are queued.
 */
export function otaRequests(ctx: BridgeContext, ota: OtaUpdates): RequestModule {
  const dataDir = ctx.settings.dataDir;
  const device = (payload: unknown): BridgeDevice => {
    const p = fields(payload);
    const key = keyOrField(payload, p, "id");
    return findDevice(ctx.zigbee, requireKey({ id: key }, "id", ID_EXAMPLE));
  };
  const source = (d: BridgeDevice, payload: unknown, downgrade: boolean) =>
    sourceFromPayload(fields(payload), dataDir, d.ieee, downgrade);

  const check = (downgrade: boolean) => async (payload: unknown) => {
    const d = device(payload);
    const s = source(d, payload, downgrade);
    ota.requireOta(d, s);
    return ota.check(d, s);
  };

  const queueMany = async (devices: BridgeDevice[], payload: unknown, downgrade: boolean) => {
    const overrides = dataOverrides(fields(payload));
    const queued: string[] = [];
    const refused: { id: string; error: string }[] = [];
    for (const d of devices) {
      try {
        const s = source(d, payload, downgrade);
        ota.requireOta(d, s);
        // the results arrive in the devices' states; failures are logged
        ota.update(d, s, overrides).catch((e) => ctx.logger.error(errorMessage(e), "z2m:ota"));
        queued.push(d.name);
      } catch (e) {
        refused.push({ id: d.name, error: errorMessage(e) }); // no OTA, already updating: the others still queue
      }
    }
    if (refused.length > 0) {
      return { ids: queued, refused, queue: ota.queue.list().map((ieee) => ctx.zigbee.device(ieee)?.name ?? ieee) };
    }
    return { ids: queued, queue: ota.queue.list().map((ieee) => ctx.zigbee.device(ieee)?.name ?? ieee) };
  };

  const update = (downgrade: boolean) => async (payload: unknown) => {
    const p = fields(payload);
    if (Array.isArray(p.id)) {
      if (p.id.length === 0) throw invalid("'id' must name at least one device");
      return queueMany(
        p.id.map((k) => findDevice(ctx.zigbee, requireKey({ id: k }, "id", ID_EXAMPLE))),
        payload,
        downgrade,
      );
    }
    const d = device(payload);
    const s = source(d, payload, downgrade);
    ota.requireOta(d, s);
    return ota.update(d, s, dataOverrides(p));
  };

  const schedule = (downgrade: boolean) => async (payload: unknown) => {
    const d = device(payload);
    const s = source(d, payload, downgrade);
    ota.requireOta(d, s);
    const { hexFile: _h, ...otaSource } = s;
    d.zh.scheduleOta(otaSource);
    d.zh.save();
    await ota.states.set(d, { state: "scheduled" });
    return s.url ? { id: d.name, url: s.url } : { id: d.name };
  };

  return {
    "device/ota_update/check": check(false),
    "device/ota_update/check/downgrade": check(true),
    "device/ota_update/update": update(false),
    "device/ota_update/update/downgrade": update(true),
    "device/ota_update/update_all": async (payload) => {
      const devices = ctx.zigbee.devices().filter((d) => ota.state(d)?.state === "available" && !d.options.disabled);
      if (devices.length === 0) return { ids: [], queue: [] };
      return queueMany(devices, payload, false);
    },
    "device/ota_update/update/abort": async (payload) => {
      const d = device(payload);
      ota.abort(d);
      return { id: d.name };
    },
    "device/ota_update/schedule": schedule(false),
    "device/ota_update/schedule/downgrade": schedule(true),
    "device/ota_update/unschedule": async (payload) => {
      const d = device(payload);
      const scheduled = d.zh.scheduledOta;
      if (!scheduled) throw new BridgeError("INVALID_PAYLOAD", `No OTA update scheduled for '${d.name}'`);
      d.zh.unscheduleOta();
      d.zh.save();
      // a hex image written for the schedule is not needed any more
      if (scheduled.url?.startsWith(`${dataDir}/ota/`)) {
        try {
          unlinkSync(scheduled.url);
        } catch {
          // already gone
        }
      }
      await ota.states.restore(d);
      return { id: d.name };
    },
  };
}
