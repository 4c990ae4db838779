import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { invalid } from "../bridge/payloadFields.js";

/** Where an update comes from: herdsman's `OtaSource` (an index or firmware URL/path, or the default index). */
export interface OtaSourceSpec {
  url?: string;
  downgrade?: boolean;
}

/** Per-request overrides of the block exchange (`ota.*` settings otherwise). */
export interface OtaDataOverrides {
  image_block_request_timeout?: number;
  image_block_response_delay?: number;
  default_maximum_data_size?: number;
}

const FILE_NAME = /^[\w.-]{1,100}$/;

/**
 * The source of an update/check/schedule request: `url` (index JSON or firmware file: http(s), absolute, or relative
 * to the data directory) or `hex: {data, file_name?}` (written to `<data>/ota/<file_name or ieee_ms>`).
 */
export function sourceFromPayload(
  p: Record<string, unknown>,
  dataDir: string,
  ieee: string,
  downgrade: boolean,
): OtaSourceSpec & { hexFile?: string } {
  const source: OtaSourceSpec & { hexFile?: string } = downgrade ? { downgrade } : {};
  if (p.url !== undefined) {
    if (typeof p.url !== "string" || p.url === "") throw invalid("'url' must be a non-empty string");
    source.url = p.url;
  }
  if (p.hex !== undefined) {
    if (source.url) throw invalid("give either 'url' or 'hex', not both");
    const hex = p.hex as Record<string, unknown>;
    if (
      typeof hex !== "object" ||
      hex === null ||
      typeof hex.data !== "string" ||
      !/^([0-9a-fA-F]{2})+$/.test(hex.data)
    ) {
      throw invalid('\'hex\' must be {"data": "<hex digits>", "file_name"?: "<name>"}');
    }
    const name = hex.file_name === undefined ? `${ieee}_${Date.now()}` : hex.file_name;
    if (typeof name !== "string" || !FILE_NAME.test(name)) {
      throw invalid("'hex.file_name' must be a plain file name (letters, digits, '.', '_', '-')");
    }
    const dir = join(dataDir, "ota");
    mkdirSync(dir, { recursive: true });
    const file = join(dir, name);
    writeFileSync(file, Buffer.from(hex.data, "hex"));
    source.url = file;
    source.hexFile = file;
  }
  return source;
}

/** The request's block-exchange overrides, checked. */
export function dataOverrides(p: Record<string, unknown>): OtaDataOverrides {
  const out: OtaDataOverrides = {};
  const num = (field: keyof OtaDataOverrides, min: number, max: number) => {
    const v = p[field];
    if (v === undefined) return;
    if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) {
      throw invalid(`'${field}' must be a whole number from ${min} to ${max}`);
    }
    out[field] = v;
  };
  num("image_block_request_timeout", 1000, 2147483647);
  num("image_block_response_delay", 0, 60_000);
  num("default_maximum_data_size", 10, 100);
  return out;
}
