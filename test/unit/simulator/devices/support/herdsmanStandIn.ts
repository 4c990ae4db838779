import { Zcl } from "zigbee-herdsman";
import type { ApsFrame, OutgoingFrame } from "../../../../../lib/simulator/air.js";
import type { VirtualDevice } from "../../../../../lib/simulator/devices/virtualDevice.js";
import { type FakeLink, globalRequest, parse, zclRequest } from "./fakeLink.js";

/**
 * Just enough of herdsman's Device/Endpoint (class names matter: zhc checks `constructor.name`) for zhc's
 * `findByDevice()` and a definition's `configure()`, talking ZCL to a VirtualDevice through a FakeLink. Reads,
 * configureReporting and commands check the statuses as herdsman does (a non-success record throws).
 */

const POWER_SOURCES: Record<number, string> = { 1: "Mains (single phase)", 3: "Battery" };
const COORDINATOR_IEEE = "0x00124b00c0ffee00";
let tsn = 0;

function clusterOf(key: string | number) {
  return Zcl.Utils.getCluster(key, undefined, {});
}

export class Endpoint {
  readonly clusterValues: Record<string, Record<string, unknown>> = {};
  /** what the virtual device sent besides the answers (reports) */
  readonly other: OutgoingFrame[] = [];

  constructor(
    private readonly device: Device,
    readonly ID: number,
    readonly profileID: number,
    readonly deviceID: number,
    readonly inputClusters: number[],
    readonly outputClusters: number[],
  ) {}

  get deviceIeeeAddress(): string {
    return this.device.ieeeAddr;
  }

  getDevice(): Device {
    return this.device;
  }

  supportsInputCluster(key: string | number): boolean {
    return this.inputClusters.includes(clusterOf(key).ID);
  }

  supportsOutputCluster(key: string | number): boolean {
    return this.outputClusters.includes(clusterOf(key).ID);
  }

  getInputClusters() {
    return this.inputClusters.map(clusterOf);
  }

  getOutputClusters() {
    return this.outputClusters.map(clusterOf);
  }

  save(): void {}

  saveClusterAttributeKeyValue(cluster: string | number, values: Record<string, unknown>): void {
    const name = clusterOf(cluster).name;
    this.clusterValues[name] = { ...this.clusterValues[name], ...values };
  }

  getClusterAttributeValue(cluster: string | number, attribute: string): unknown {
    return this.clusterValues[clusterOf(cluster).name]?.[attribute];
  }

  /** sends a frame to the virtual device and returns its answer (matching TSN, to the coordinator) */
  exchange(frame: ApsFrame): Zcl.Frame | undefined {
    const link = this.device.link;
    this.other.push(...link.take());
    this.device.virtual.receive({ ...frame, dstEndpoint: this.ID });
    const tsnSent = frame.data[1];
    let answer: Zcl.Frame | undefined;
    for (const out of link.take()) {
      if (out.destination.kind === "coordinator" && out.data[1] === tsnSent) answer = parse(out);
      else this.other.push(out);
    }
    return answer;
  }

  private checked(frame: ApsFrame, what: string): Zcl.Frame {
    const answer = this.exchange(frame);
    if (!answer) throw new Error(`no answer to ${what}`);
    const records = Array.isArray(answer.payload) ? answer.payload : [answer.payload];
    for (const record of records as { status?: number; statusCode?: number }[]) {
      const status = record.status ?? record.statusCode ?? 0;
      if (status !== 0) throw new Zcl.StatusError(status, what);
    }
    return answer;
  }

  async read(cluster: string | number, attributes: (string | number)[]): Promise<Record<string, unknown>> {
    const definition = clusterOf(cluster);
    const payload = attributes.map((a) => ({
      attrId: Zcl.Utils.getClusterAttribute(definition, a, undefined)?.ID ?? Number(a),
    }));
    const answer = this.checked(
      globalRequest(definition.name, "read", payload, { tsn: ++tsn & 0xff }),
      `read ${definition.name}`,
    );
    const result: Record<string, unknown> = {};
    for (const record of answer.payload as { attrId: number; attrData: unknown }[]) {
      result[Zcl.Utils.getClusterAttribute(definition, record.attrId, undefined)?.name ?? record.attrId] =
        record.attrData;
    }
    this.saveClusterAttributeKeyValue(definition.name, result);
    return result;
  }

  async write(cluster: string | number, values: Record<string, unknown>): Promise<void> {
    const definition = clusterOf(cluster);
    const payload = Object.entries(values).map(([name, value]) => {
      const attribute = Zcl.Utils.getClusterAttribute(definition, name, undefined);
      if (!attribute) throw new Error(`unknown attribute ${name}`);
      return { attrId: attribute.ID, dataType: attribute.type, attrData: value };
    });
    this.checked(globalRequest(definition.name, "write", payload, { tsn: ++tsn & 0xff }), `write ${definition.name}`);
  }

  async configureReporting(
    cluster: string | number,
    items: {
      attribute: string;
      minimumReportInterval: number;
      maximumReportInterval: number;
      reportableChange: number;
    }[],
  ): Promise<void> {
    const definition = clusterOf(cluster);
    const payload = items.map((item) => {
      const attribute = Zcl.Utils.getClusterAttribute(definition, item.attribute, undefined);
      if (!attribute) throw new Error(`Invalid attribute '${item.attribute}' for cluster '${definition.name}'`);
      return {
        direction: 0,
        attrId: attribute.ID,
        dataType: attribute.type,
        minRepIntval: item.minimumReportInterval,
        maxRepIntval: item.maximumReportInterval,
        repChange: item.reportableChange,
      };
    });
    this.device.configured.push(...items.map((i) => `${definition.name}.${i.attribute}`));
    this.checked(
      globalRequest(definition.name, "configReport", payload, { tsn: ++tsn & 0xff }),
      `configReport ${definition.name}`,
    );
  }

  async bind(cluster: string | number, target: Endpoint | number): Promise<void> {
    const destination =
      typeof target === "number"
        ? { kind: "group" as const, groupId: target }
        : { kind: "endpoint" as const, ieee: target.deviceIeeeAddress, endpoint: target.ID };
    const status = this.device.virtual.bind({ srcEndpoint: this.ID, clusterId: clusterOf(cluster).ID, destination });
    if (status !== 0) throw new Error(`bind failed with ZDO status ${status}`);
    this.device.bound.push(clusterOf(cluster).name);
  }

  async command(cluster: string | number, name: string, payload: Record<string, unknown>): Promise<unknown> {
    const definition = clusterOf(cluster);
    const answer = this.exchange(zclRequest(definition.name, name, payload, false, { tsn: ++tsn & 0xff }));
    return answer?.payload;
  }
}

export class Device {
  readonly endpoints: Endpoint[];
  readonly customClusters: Record<string, unknown> = {};
  readonly type: string;
  readonly ieeeAddr: string;
  readonly manufacturerID: number;
  modelID: string | undefined;
  manufacturerName: string | undefined;
  softwareBuildID: string | undefined;
  powerSource: string | undefined;
  /** what configure did */
  readonly bound: string[] = [];
  readonly configured: string[] = [];

  constructor(
    readonly virtual: VirtualDevice,
    readonly link: FakeLink,
  ) {
    const { description } = virtual;
    this.ieeeAddr = description.ieee;
    this.type = description.logicalType;
    this.manufacturerID = description.manufacturerCode;
    this.endpoints = description.endpoints.map(
      (e) => new Endpoint(this, e.endpoint, e.profileId, e.deviceId, e.inClusters, e.outClusters),
    );
  }

  getEndpoint(id: number): Endpoint | undefined {
    return this.endpoints.find((e) => e.ID === id);
  }

  save(): void {}

  addCustomCluster(name: string, definition: unknown): void {
    this.customClusters[name] = definition;
  }

  /** the genBasic reads of herdsman's interview, one attribute per request; failures are skipped */
  async interview(): Promise<void> {
    const endpoint = this.endpoints[0] as Endpoint;
    const read = async (attribute: string) => {
      try {
        return (await endpoint.read("genBasic", [attribute]))[attribute];
      } catch {
        return undefined;
      }
    };
    this.modelID = (await read("modelId")) as string | undefined;
    this.manufacturerName = (await read("manufacturerName")) as string | undefined;
    this.powerSource = POWER_SOURCES[(await read("powerSource")) as number] ?? "Unknown";
    for (const attribute of ["zclVersion", "appVersion", "stackVersion", "hwVersion", "dateCode"])
      await read(attribute);
    this.softwareBuildID = (await read("swBuildId")) as string | undefined;
  }
}

/** The coordinator endpoint zhc's configure binds to. */
export function coordinatorEndpoint(virtual: VirtualDevice, link: FakeLink): Endpoint {
  const coordinator = new Device(virtual, link);
  Object.assign(coordinator, { ieeeAddr: COORDINATOR_IEEE, type: "Coordinator" });
  return new Endpoint(coordinator, 1, 0x0104, 0x0005, [], []);
}

interface Converter {
  cluster: string | number;
  type: string | string[];
  convert: (...args: unknown[]) => unknown;
}

/** What the definition's fromZigbee converters publish for a frame the device sent (as z2m would call them). */
export async function convertFrame(
  definition: { fromZigbee: unknown[] },
  device: Device,
  frame: Zcl.Frame,
): Promise<Record<string, unknown>> {
  const name = frame.command.name;
  const type =
    name === "report"
      ? "attributeReport"
      : name === "readRsp"
        ? "readResponse"
        : `command${name[0]?.toUpperCase()}${name.slice(1)}`;
  let data: unknown = frame.payload;
  if (Array.isArray(frame.payload)) {
    const entries = (frame.payload as { attrId: number; attrData: unknown }[]).map((r) => [
      Zcl.Utils.getClusterAttribute(frame.cluster, r.attrId, undefined)?.name ?? r.attrId,
      r.attrData,
    ]);
    data = Object.fromEntries(entries);
  }
  const endpoint = device.endpoints[0];
  const meta = { zclTransactionSequenceNumber: frame.header.transactionSequenceNumber };
  const msg = { type, cluster: frame.cluster.name, data, endpoint, device, meta, groupID: 0, linkquality: 255 };
  const result: Record<string, unknown> = {};
  for (const converter of definition.fromZigbee as Converter[]) {
    if (converter.cluster !== frame.cluster.name || !([] as string[]).concat(converter.type).includes(type)) continue;
    const state = { state: {}, device, deviceExposesChanged: () => {} };
    Object.assign(result, await converter.convert(definition, msg, () => {}, {}, state));
  }
  return result;
}
