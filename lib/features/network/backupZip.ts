import { readdir, readFile, stat } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { BridgeError } from "../../util/errors.js";

/** Top-level folders of the data directory that a backup leaves out (as zigbee2mqtt does). */
const EXCLUDED = new Set(["log", "ota"]);
/** Files moved aside as unreadable (`<name>.corrupt-<time>`, util/backedUpFile.ts): not worth restoring. */
const QUARANTINED = /\.corrupt-\d+$/;
/** At most this many bytes of files go into a backup (the zip travels base64-encoded in one MQTT message). */
export const BACKUP_MAX_BYTES = 64 * 1024 * 1024;

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/**
 * The data directory as a zip (paths relative to it, `/`-separated), without `log/`, `ota/` and quarantined
 * `*.corrupt-*` files. Regular files only: symbolic links, sockets and the like are skipped. It holds what a restore
 * needs, secrets included: `configuration.yaml` (the network key) and `secret.yaml`, as zigbee2mqtt's backup.
 * Read and compressed off the event loop (fs promises, fflate's worker-thread zip). More than `maxBytes` of files:
 * a BridgeError saying how much there is.
 */
export async function zipDataDir(dataDir: string, maxBytes = BACKUP_MAX_BYTES): Promise<Buffer> {
  const paths: { rel: string; path: string }[] = [];
  let total = 0;
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      const rel = relative(dataDir, path).split(sep).join("/");
      if (dir === dataDir && entry.isDirectory() && EXCLUDED.has(entry.name)) continue;
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile() && !QUARANTINED.test(entry.name)) {
        const size = await stat(path).then(
          (s) => s.size,
          () => 0, // renamed away meanwhile (an atomic write's temporary file)
        );
        total += size;
        paths.push({ rel, path });
      }
    }
  };
  await walk(dataDir);
  if (total > maxBytes) {
    throw new BridgeError(
      "TOO_LARGE",
      `The data directory holds ${mb(total)} of files, more than the ${mb(maxBytes)} a backup may hold; ` +
        "remove files that do not belong there",
      { bytes: total, maxBytes },
    );
  }
  const files: Record<string, Uint8Array> = {};
  for (const { rel, path } of paths) {
    try {
      files[rel] = await readFile(path);
    } catch (e) {
      // a temporary file renamed away between listing and reading (an atomic write) is not part of the backup
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
    }
  }
  // loaded on the first backup, not at every start
  const { zip } = await import("fflate");
  const zipped = await new Promise<Uint8Array>((resolve, reject) =>
    zip(files, { level: 6 }, (error, data) => (error ? reject(error) : resolve(data))),
  );
  return Buffer.from(zipped.buffer, zipped.byteOffset, zipped.byteLength);
}
