import type { Ieee, SimpleDescriptor } from "../air.js";
import type { MtPayload } from "../mt/types.js";
import type { Network } from "../network/network.js";
import type { Subsystem } from "../unpi/frame.js";
import type { InterPanRadio } from "./interPan.js";
import type { NvStore } from "./nvStore.js";

/** ZDO device states (`devStates_t`). */
export const DevState = {
  HOLD: 0,
  INIT: 1,
  NWK_DISC: 2,
  COORD_STARTING: 8,
  ZB_COORD: 9,
} as const;

/** Firmware identity: what SYS.version answers (Z-Stack 3.x.0 on a CC2652, as herdsman's zstack adapter expects). */
export interface FirmwareInfo {
  transportrev: number;
  product: number;
  majorrel: number;
  minorrel: number;
  maintrel: number;
  revision: number;
}

export const DEFAULT_FIRMWARE: FirmwareInfo = {
  transportrev: 2,
  product: 1,
  majorrel: 2,
  minorrel: 7,
  maintrel: 1,
  revision: 20240710,
};

/** What a responder (one per MT subsystem) gets: the coordinator's state and a way to answer later. */
export interface CoordinatorContext {
  readonly nv: NvStore;
  readonly net: Network;
  /** the inter-PAN radio (touchlink): AF.interPanCtl and inter-PAN AF.dataRequestExt */
  readonly interPan: InterPanRadio;
  readonly firmware: FirmwareInfo;
  ieee: Ieee;
  devState: number;
  /** endpoints registered by the host with AF.register (RAM: lost on reset) */
  readonly endpoints: Map<number, SimpleDescriptor>;
  /** APS group table of the coordinator: group id → endpoints */
  readonly groups: Map<number, Set<number>>;
  /** channel masks set with APP_CNF.bdbSetChannel */
  bdbChannels: { primary: number; secondary: number };
  /** queues an AREQ to the host; it is written after the SRSP of the request being handled */
  emit(subsystem: keyof typeof Subsystem, name: string, payload: MtPayload): void;
  /** runs `fn` later (ms), unless the coordinator was reset or stopped in between */
  later(ms: number, fn: () => void): void;
  /** SYS.resetReq */
  reset(): void;
  /** BDB formation finished: the NIB and keys are written, the state goes to 9 */
  formNetwork(): void;
  /** ZDO.startupFromApp on a commissioned stick */
  resumeNetwork(): boolean;
  /** the host finished its start sequence (registered endpoints and its group) */
  hostStarted(): void;
  /** panId/channel/EPID of the formed network, from the NIB */
  networkInfo(): { panId: number; channel: number; extendedPanIdStored: Buffer; nwkUpdateId: number } | undefined;
  changeChannel(channel: number): void;
  /** something persistent changed */
  changed(): void;
}

export type Handler = (request: MtPayload, ctx: CoordinatorContext) => MtPayload | undefined;
export type Responder = Record<string, Handler>;
