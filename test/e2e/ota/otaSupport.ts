import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { VirtualDevice } from "../../../lib/simulator/devices/virtualDevice.js";
import { buildOtaImage } from "../../../lib/simulator/ota/otaImage.js";
import type { TestClient } from "../../support/mqttTestClient.js";
import { BASE, json } from "../support/bridgeWorld.js";

/** The device's OTA client (the test fails when the kind has none). */
export function otaOf(device: VirtualDevice) {
  const ota = device.ota;
  if (!ota) throw new Error(`${device.ieee} has no OTA client`);
  return ota;
}

/** Writes `<data>/ota/<name>`: an image for this device with this file version; returns its data-relative path. */
export function writeImage(dir: string, name: string, device: VirtualDevice, fileVersion: number, size = 1024): string {
  mkdirSync(join(dir, "ota"), { recursive: true });
  const image = buildOtaImage({
    manufacturerCode: device.spec.manufacturerCode,
    imageType: otaOf(device).spec.imageType,
    fileVersion,
    size,
  });
  writeFileSync(join(dir, "ota", name), image);
  return `ota/${name}`;
}

/** The `update` objects published on the device's topic from `since` on. */
export function updates(mqtt: TestClient, ieee: string, since: number): Record<string, unknown>[] {
  return mqtt
    .received(`${BASE}/${ieee}`, since)
    .map((m) => json(m.payload).update as Record<string, unknown> | undefined)
    .filter((u): u is Record<string, unknown> => u !== undefined);
}

/** Waits for the device's state with an `update` object matching `pred`. */
export async function waitForUpdate(
  mqtt: TestClient,
  ieee: string,
  since: number,
  pred: (u: Record<string, unknown>) => boolean,
  timeoutMs = 20_000,
): Promise<Record<string, unknown>> {
  const m = await mqtt.waitForMessage(
    (msg) => {
      if (msg.topic !== `${BASE}/${ieee}`) return false;
      const u = json(msg.payload).update as Record<string, unknown> | undefined;
      return u !== undefined && pred(u);
    },
    { since, timeoutMs },
  );
  return json(m.payload).update as Record<string, unknown>;
}
