import { readdirSync, readFileSync } from "node:fs";
import { join, relative, sep } from "node:path";

/** Top-level folders of the data directory that a backup leaves out (as zigbee2mqtt does). */
const EXCLUDED = new Set(["log", "ota"]);

/**
 * The data directory as a zip (paths relative to it, `/`-separated), without `log/` and `ota/`. Regular files only:
 * symbolic links, sockets and the like are skipped. The zip library is loaded on the first backup, not at every start.
 */
export async function zipDataDir(dataDir: string): Promise<Buffer> {
  const { zipSync } = await import("fflate");
  const files: Record<string, Uint8Array> = {};
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      const rel = relative(dataDir, path).split(sep).join("/");
      if (dir === dataDir && entry.isDirectory() && EXCLUDED.has(entry.name)) continue;
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) {
        try {
          files[rel] = readFileSync(path);
        } catch (e) {
          // a temporary file renamed away between listing and reading (an atomic write) is not part of the backup
          if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
        }
      }
    }
  };
  walk(dataDir);
  return Buffer.from(zipSync(files, { level: 6 }));
}
