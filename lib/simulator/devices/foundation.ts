import { Zcl } from "zigbee-herdsman";
import type { AttributeSlot, ClusterStore } from "./attributeStore.js";
import type { AttributeValue } from "./deviceSpec.js";
import type { ReportConfig, Reporter } from "./reporter.js";

const { Status, DataType } = Zcl;

/** What a global (foundation) command leads to. */
export type GlobalOutcome =
  /** a response command, e.g. readRsp */
  | { response: string; payload: unknown }
  /** a defaultRsp with this status */
  | { status: number }
  /** nothing to answer (writeNoRsp, or an incoming report/response) */
  | undefined;

/** What global commands need from the device. */
export interface FoundationHost {
  readonly reporter: Reporter;
  /** sets a value through the device, so that it reports as configured */
  write(cluster: ClusterStore, slot: AttributeSlot, value: AttributeValue): void;
}

interface WriteRecord {
  attrId: number;
  dataType: number;
  attrData: AttributeValue;
}

const NON_REPORTABLE = new Set<number>([
  DataType.CHAR_STR,
  DataType.OCTET_STR,
  DataType.LONG_CHAR_STR,
  DataType.LONG_OCTET_STR,
  DataType.ARRAY,
  DataType.STRUCT,
  DataType.SET,
  DataType.BAG,
  DataType.NO_DATA,
]);

function checkWrite(cluster: ClusterStore, record: WriteRecord, manufacturerSpecific: boolean): number {
  const slot = manufacturerSpecific ? undefined : cluster.slot(record.attrId);
  if (!slot) return Status.UNSUPPORTED_ATTRIBUTE;
  if (!slot.writable) return Status.READ_ONLY;
  if (record.dataType !== slot.type) return Status.INVALID_DATA_TYPE;
  return Status.SUCCESS;
}

function write(
  cluster: ClusterStore,
  records: WriteRecord[],
  host: FoundationHost,
  manufacturerSpecific: boolean,
  undivided: boolean,
) {
  const results = records.map((record) => ({
    status: checkWrite(cluster, record, manufacturerSpecific),
    attrId: record.attrId,
  }));
  const allOk = results.every((r) => r.status === Status.SUCCESS);
  records.forEach((record, i) => {
    const slot = cluster.slot(record.attrId);
    if (slot && results[i]?.status === Status.SUCCESS && (allOk || !undivided))
      host.write(cluster, slot, record.attrData);
  });
  return results;
}

function configReport(
  cluster: ClusterStore,
  records: Record<string, number>[],
  host: FoundationHost,
  manufacturerSpecific: boolean,
) {
  return records.map((record) => {
    const { direction = 0, attrId = 0 } = record;
    const slot = manufacturerSpecific ? undefined : cluster.slot(attrId);
    const result = (status: number) => ({ status, direction, attrId });
    if (!slot) return result(Status.UNSUPPORTED_ATTRIBUTE);
    // direction 1 configures what this device would receive as a client: accepted, nothing to do
    if (direction !== 0) return result(Status.SUCCESS);
    if (NON_REPORTABLE.has(slot.type)) return result(Status.UNREPORTABLE_ATTRIBUTE);
    if (record.dataType !== slot.type) return result(Status.INVALID_DATA_TYPE);
    const min = record.minRepIntval ?? 0;
    const max = record.maxRepIntval ?? 0;
    // max 0xffff: stop reporting the attribute; min 0xffff + max 0: back to the default (here: none)
    if (max === 0xffff || (min === 0xffff && max === 0)) {
      host.reporter.remove(cluster, slot);
      return result(Status.SUCCESS);
    }
    if (max !== 0 && max !== 0xffff && min > max) return result(Status.INVALID_VALUE);
    host.reporter.configure(cluster, slot, { min, max, change: Number(record.repChange ?? 0) });
    return result(Status.SUCCESS);
  });
}

function readReportConfig(cluster: ClusterStore, records: Record<string, number>[], host: FoundationHost) {
  return records.map(({ direction = 0, attrId = 0 }) => {
    const slot = cluster.slot(attrId);
    if (!slot) return { status: Status.UNSUPPORTED_ATTRIBUTE, direction, attrId };
    const config: ReportConfig | undefined = direction === 0 ? host.reporter.get(cluster, slot) : undefined;
    if (!config) return { status: Status.NOT_FOUND, direction, attrId };
    const change = slot.analog ? { repChange: config.change } : {};
    return {
      status: Status.SUCCESS,
      direction,
      attrId,
      dataType: slot.type,
      minRepIntval: config.min,
      maxRepIntval: config.max,
      ...change,
    };
  });
}

function discover(cluster: ClusterStore, start: number, max: number) {
  const all = [...cluster.slots()].filter((s) => s.id >= start).sort((a, b) => a.id - b.id);
  const attrInfos = all.slice(0, max).map((s) => ({ attrId: s.id, dataType: s.type }));
  return { discComplete: all.length <= max ? 1 : 0, attrInfos };
}

/**
 * Answers the ZCL global commands a server cluster supports: read, write (+Undiv, NoRsp), configReport,
 * readReportConfig, discover. Manufacturer-specific requests find no attribute (the simulated devices have none).
 */
export function handleGlobal(
  command: string,
  payload: unknown,
  cluster: ClusterStore,
  host: FoundationHost,
  manufacturerSpecific: boolean,
): GlobalOutcome {
  const records = (Array.isArray(payload) ? payload : []) as Record<string, number>[];
  switch (command) {
    case "read":
      return {
        response: "readRsp",
        payload: records.map(({ attrId = 0 }) => {
          const slot = manufacturerSpecific ? undefined : cluster.slot(attrId);
          if (!slot) return { attrId, status: Status.UNSUPPORTED_ATTRIBUTE };
          return { attrId, status: Status.SUCCESS, dataType: slot.type, attrData: slot.value };
        }),
      };
    case "write":
    case "writeUndiv":
      return {
        response: "writeRsp",
        payload: write(cluster, payload as WriteRecord[], host, manufacturerSpecific, command === "writeUndiv"),
      };
    case "writeNoRsp":
      write(cluster, payload as WriteRecord[], host, manufacturerSpecific, false);
      return undefined;
    case "configReport":
      return { response: "configReportRsp", payload: configReport(cluster, records, host, manufacturerSpecific) };
    case "readReportConfig":
      return { response: "readReportConfigRsp", payload: readReportConfig(cluster, records, host) };
    case "discover": {
      const { startAttrId = 0, maxAttrIds = 0 } = payload as Record<string, number>;
      return {
        response: "discoverRsp",
        payload: discover(cluster, manufacturerSpecific ? 0x10000 : startAttrId, maxAttrIds),
      };
    }
    case "readRsp":
    case "writeRsp":
    case "configReportRsp":
    case "readReportConfigRsp":
    case "report":
    case "defaultRsp":
    case "discoverRsp":
      return undefined;
    default:
      return { status: Status.UNSUP_GENERAL_COMMAND };
  }
}
