import type { InterPanFrame, InterPanLink, InterPanListener, NetworkMembership, NodeDescription } from "../../air.js";
import { Prng } from "../../util/prng.js";
import {
  encodeScanResponse,
  parseTouchlinkRequest,
  type ScanResponseFields,
  TouchlinkCommand,
} from "./touchlinkFrames.js";

/** ZCL cluster "Touchlink commissioning" (ZLL commissioning), sent inter-PAN. */
export const TOUCHLINK_CLUSTER = 0x1000;
/** aplcInterPANTransIdLifetime: commands carrying a scan request's transaction id are accepted for 8 s after it */
const TRANSACTION_LIFETIME_MS = 8000;
/** touchlink information bits: factory new, and "profile interop" (a Zigbee 3.0 / ZLL 1.2 device) */
const FACTORY_NEW = 0x01;
const PROFILE_INTEROP = 0x80;
/** key bitmask: the touchlink master (production) key */
const MASTER_KEY = 0x0010;
/** zigbee information: logical type in bits 0–1, receiver on when idle in bit 2 */
const LOGICAL_TYPE = { Coordinator: 0, Router: 1, EndDevice: 2 } as const;
const RX_ON_WHEN_IDLE = 0x04;
/** identify duration 0xffff: "for a time the receiver knows" */
const IDENTIFY_KNOWN_TIME = 0xffff;
const DEFAULT_IDENTIFY_S = 3;

export interface TouchlinkTargetOptions {
  description: NodeDescription;
  /** channel of its radio while it is in no network (11–26) */
  idleChannel: number;
  /** seeds the response identifiers */
  seed: string;
  /** the device goes back to its factory state: attributes, bindings, groups, scenes, reporting */
  resetDevice(): void;
  /** RSSI correction it advertises (0–0x20) */
  rssiCorrection?: number;
}

/** One identify request the target obeyed. */
export interface IdentifyRecord {
  /** seconds it identifies for (0: it stopped identifying) */
  durationS: number;
  at: number;
}

/**
 * The touchlink target of a device (ZCL touchlink commissioning, server side), as a light has it: answers a scan
 * request with a scan response, identifies on an identify request and, on a reset to factory new request, leaves its
 * network and forgets everything. Requests after the scan must carry the scan's transaction id, within 8 s.
 * Network start/join requests (touchlink commissioning into a network) are not simulated.
 */
export class TouchlinkTarget implements InterPanListener {
  readonly idleChannel: number;
  /** identify requests obeyed, oldest first */
  readonly identifications: IdentifyRecord[] = [];
  /** how many times a touchlink reset to factory new reset the device */
  factoryResets = 0;
  private commissioned = false;
  private transaction: { id: number; at: number } | undefined;
  private readonly prng: Prng;

  constructor(private readonly options: TouchlinkTargetOptions) {
    if (!Number.isInteger(options.idleChannel) || options.idleChannel < 11 || options.idleChannel > 26) {
      throw new Error(`touchlink channel must be 11–26, not ${options.idleChannel}`);
    }
    this.idleChannel = options.idleChannel;
    this.prng = new Prng(`${options.seed}/touchlink`);
  }

  /** Factory new: it has not been in a network since it left the factory (or its last reset). */
  get factoryNew(): boolean {
    return !this.commissioned;
  }

  /** It is in a network (it joined, or resumed in one): no longer factory new. */
  joinedNetwork(): void {
    this.commissioned = true;
  }

  receive(frame: InterPanFrame, link: InterPanLink): void {
    if (frame.clusterId !== TOUCHLINK_CLUSTER) return;
    const request = parseTouchlinkRequest(frame.data);
    if (!request) return;
    switch (request.commandId) {
      case TouchlinkCommand.SCAN_REQUEST: {
        this.transaction = { id: request.transactionId, at: link.now() };
        const response = this.scanResponse(request.transactionId, link.network);
        link.answer(TOUCHLINK_CLUSTER, encodeScanResponse(request.tsn, response));
        return;
      }
      case TouchlinkCommand.IDENTIFY_REQUEST: {
        if (!this.isCurrent(request.transactionId, link) || request.payload.length < 2) return;
        const duration = request.payload.readUInt16LE(0);
        const durationS = duration === IDENTIFY_KNOWN_TIME ? DEFAULT_IDENTIFY_S : duration;
        this.identifications.push({ durationS, at: link.now() });
        return;
      }
      case TouchlinkCommand.RESET_TO_FACTORY_NEW: {
        // a factory-new target ignores it: there is nothing to forget
        if (!this.isCurrent(request.transactionId, link) || this.factoryNew) return;
        link.leaveNetwork();
        this.options.resetDevice();
        this.commissioned = false;
        this.transaction = undefined;
        this.factoryResets++;
        return;
      }
      default:
        return; // device information, network start/join/update: not simulated
    }
  }

  /** The last identify request obeyed, if any. */
  get lastIdentify(): IdentifyRecord | undefined {
    return this.identifications.at(-1);
  }

  private isCurrent(transactionId: number, link: InterPanLink): boolean {
    const t = this.transaction;
    return t !== undefined && t.id === transactionId && link.now() - t.at <= TRANSACTION_LIFETIME_MS;
  }

  /** The scan response fields (ZCL touchlink commissioning, scan response command). */
  private scanResponse(transactionId: number, network: NetworkMembership | undefined): ScanResponseFields {
    const { description } = this.options;
    const endpoints = description.endpoints;
    const rxOnWhenIdle = (description.macCapabilities & 0x08) !== 0 ? RX_ON_WHEN_IDLE : 0;
    const only = endpoints.length === 1 ? endpoints[0] : undefined;
    return {
      transactionId,
      rssiCorrection: this.options.rssiCorrection ?? 0,
      zigbeeInformation: LOGICAL_TYPE[description.logicalType] | rxOnWhenIdle,
      touchlinkInformation: PROFILE_INTEROP | (this.factoryNew ? FACTORY_NEW : 0),
      keyBitmask: MASTER_KEY,
      responseId: this.prng.nextUint32() || 1,
      // in no network: no extended PAN id, PAN id and address unassigned (0xffff)
      extendedPanId: network?.extendedPanId ?? Buffer.alloc(8),
      networkUpdateId: network?.nwkUpdateId ?? 0,
      logicalChannel: network?.channel ?? this.idleChannel,
      panId: network?.panId ?? 0xffff,
      networkAddress: network?.nwkAddr ?? 0xffff,
      numberOfSubDevices: endpoints.length,
      totalGroupIds: 0,
      subDevice: only && {
        endpoint: only.endpoint,
        profileId: only.profileId,
        deviceId: only.deviceId,
        version: only.deviceVersion,
        groupIdCount: 0,
      },
    };
  }
}
