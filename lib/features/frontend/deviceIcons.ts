import { createHash } from "node:crypto";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../../util/atomicFile.js";
import { BridgeError } from "../../util/errors.js";

/** Image types an icon may have, by the data URL's media type, with the file extension it is saved under. */
const EXTENSIONS: Record<string, string> = {
  "image/png": "png",
  "image/jpeg": "jpg",
  "image/jpg": "jpg",
  "image/gif": "gif",
  "image/webp": "webp",
  "image/svg+xml": "svg",
  "image/bmp": "bmp",
  "image/x-icon": "ico",
  "image/vnd.microsoft.icon": "ico",
  "image/avif": "avif",
};
const DATA_URL = /^data:([a-z0-9.+/-]+);base64,(.*)$/is;
export const ICONS_DIR = "device_icons";

/**
 * zigbee2mqtt's `device/options` with `options.icon` as a `data:image/…;base64,…` URL: the image is saved as
 * `<data>/device_icons/<md5 of the base64 text>.<ext>` and the option becomes that relative path (the UI loads it
 * from `<base_url>/device_icons/…`). Any other icon value is kept as it is (a URL or a path).
 */
export function saveIconDataUrl(dataDir: string, icon: unknown): unknown {
  if (typeof icon !== "string" || !icon.startsWith("data:")) return icon;
  const m = DATA_URL.exec(icon);
  if (!m) throw new BridgeError("INVALID_PAYLOAD", "Invalid icon: a data URL must look like data:image/png;base64,…");
  const ext = EXTENSIONS[m[1].toLowerCase()];
  if (!ext) {
    throw new BridgeError(
      "INVALID_PAYLOAD",
      `Invalid icon: '${m[1]}' is not an image type (${Object.keys(EXTENSIONS).join(", ")})`,
    );
  }
  const base64 = m[2].replace(/\s+/g, "");
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(base64) || base64.length === 0) {
    throw new BridgeError("INVALID_PAYLOAD", "Invalid icon: the data URL's content is not base64");
  }
  const file = `${createHash("md5").update(base64).digest("hex")}.${ext}`;
  const dir = join(dataDir, ICONS_DIR);
  mkdirSync(dir, { recursive: true });
  writeFileAtomic(join(dir, file), Buffer.from(base64, "base64"));
  return `${ICONS_DIR}/${file}`;
}
