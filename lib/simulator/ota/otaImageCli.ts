import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { parse as parseYaml } from "yaml";
import { createDevice } from "../devices/catalog.js";
import { loadScenario } from "../scenario/scenario.js";
import { deterministicIeee } from "../util/prng.js";
import { buildOtaImage } from "./otaImage.js";

/**
 * `npm run ota-image -- --device <name> --version <n> --out <file> [--size <bytes>] [--scenario <file>]
 * [--config <configuration.yaml>]`: writes a valid OTA image for an OTA-capable device of the (demo) network. The
 * device is named by its scenario name (`plug`), `demo_<name>`, IEEE address, or friendly name in the configuration.
 */
const USAGE =
  "usage: npm run ota-image -- --device <friendly name|ieee> --version <file version> --out <file> " +
  "[--size <bytes, default 1024>] [--scenario <scenario.yaml>] [--config <configuration.yaml>]";

function friendlyNames(configFile: string | undefined): Map<string, string> {
  const file = configFile ?? ["data/configuration.yaml", "configuration.example.yaml"].find((f) => existsSync(f));
  const names = new Map<string, string>();
  if (!file) return names;
  const config = parseYaml(readFileSync(file, "utf8")) as { devices?: Record<string, { friendly_name?: string }> };
  for (const [ieee, o] of Object.entries(config?.devices ?? {})) if (o?.friendly_name) names.set(o.friendly_name, ieee);
  return names;
}

function main(): void {
  const { values } = parseArgs({
    options: {
      device: { type: "string" },
      version: { type: "string" },
      out: { type: "string" },
      size: { type: "string" },
      scenario: { type: "string" },
      config: { type: "string" },
    },
  });
  if (!values.device || !values.out) throw new Error(USAGE);
  const scenario = loadScenario(values.scenario ?? "demo");
  const byName = friendlyNames(values.config);
  const wanted = (byName.get(values.device) ?? values.device).toLowerCase();
  const index = scenario.devices.findIndex((d, i) => {
    const ieee = d.ieee ?? deterministicIeee(scenario.seed, `${d.kind}/${i}`, "a4c138");
    const name = d.name ?? `${d.kind}_${i + 1}`;
    return [ieee.toLowerCase(), name, `demo_${name}`].includes(wanted);
  });
  const entry = scenario.devices[index];
  if (!entry) throw new Error(`no device '${values.device}' in scenario '${scenario.name}'`);
  const ieee = entry.ieee ?? deterministicIeee(scenario.seed, `${entry.kind}/${index}`, "a4c138");
  const device = createDevice(entry.kind, { ieee, ...(entry.options ?? {}) });
  if (!device.ota) throw new Error(`'${values.device}' (${entry.kind}) takes no OTA updates`);
  const current = device.ota.fileVersion;
  const version = values.version === undefined ? current + 1 : Number(values.version);
  if (!Number.isInteger(version) || version < 0 || version > 0xffffffff) {
    throw new Error(`--version must be a file version from 0 to 4294967295 (got ${values.version})`);
  }
  const size = values.size === undefined ? 1024 : Number(values.size);
  if (!Number.isInteger(size) || size < 1 || size > 16 * 1024 * 1024) throw new Error("--size must be 1 … 16 MiB");
  const image = buildOtaImage({
    manufacturerCode: device.spec.manufacturerCode,
    imageType: device.ota.spec.imageType,
    fileVersion: version,
    size,
  });
  writeFileSync(values.out, image);
  console.log(
    `wrote ${values.out}: ${image.length} bytes, manufacturer 0x${device.spec.manufacturerCode.toString(16)}, ` +
      `image type 0x${device.ota.spec.imageType.toString(16)}, file version ${version} (the device has ${current})`,
  );
}

try {
  main();
} catch (e) {
  console.error((e as Error).message);
  process.exitCode = 1;
}
