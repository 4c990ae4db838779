import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { unzipSync } from "fflate";
import { afterAll, describe, expect, it } from "vitest";
import { zipDataDir } from "../../../lib/features/network/backupZip.js";
import { BridgeError } from "../../../lib/util/errors.js";

const dir = mkdtempSync(join(tmpdir(), "zigmqtt-backup-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function dataDir(name: string, files: Record<string, string | Buffer>): string {
  const root = join(dir, name);
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(join(root, rel, ".."), { recursive: true });
    writeFileSync(join(root, rel), content);
  }
  return root;
}

describe("the backup zip", () => {
  it("holds what a restore needs, secrets included; leaves out log/, ota/ and quarantined *.corrupt-* files", async () => {
    const root = dataDir("full", {
      "configuration.yaml": "advanced:\n  network_key: [1, 2, 3]\n",
      "secret.yaml": "mqtt_password: pw\n",
      "state.json": "{}",
      "state.json.corrupt-1764000000000": "garbage",
      "virtual/simulator-nv.json.corrupt-1764000000001": "garbage",
      "virtual/database.db": "db",
      "log/2026-01-01/log.log": "old",
      "ota/image.ota": "firmware",
    });
    const files = unzipSync(await zipDataDir(root));
    expect(Object.keys(files).sort()).toEqual([
      "configuration.yaml",
      "secret.yaml",
      "state.json",
      "virtual/database.db",
    ]);
    expect(Buffer.from(files["secret.yaml"] as Uint8Array).toString()).toBe("mqtt_password: pw\n");
  });

  it("refuses more than the bound with a clear error", async () => {
    const root = dataDir("big", { "configuration.yaml": "x", "state.json": Buffer.alloc(3 * 1024 * 1024) });
    const error = await zipDataDir(root, 2 * 1024 * 1024).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BridgeError);
    expect(error).toMatchObject({
      code: "TOO_LARGE",
      message:
        "The data directory holds 3.0 MB of files, more than the 2.0 MB a backup may hold; remove files that do not belong there",
    });
  });

  it("is built without blocking the event loop: other callbacks run while it zips", async () => {
    const root = dataDir("busy", { "configuration.yaml": "x", "database.db": randomBytes(4 * 1024 * 1024) });
    await zipDataDir(dataDir("warm", { "a.txt": "a" })); // the zip library is loaded
    let turns = 0;
    let done = false;
    const spin = (): void => {
      if (done) return;
      turns++;
      setTimeout(spin, 1);
    };
    setTimeout(spin, 1);
    const zipped = await zipDataDir(root);
    done = true;
    expect(zipped.length).toBeGreaterThan(4 * 1024 * 1024); // random bytes do not compress
    expect(turns).toBeGreaterThan(0);
  });
});
