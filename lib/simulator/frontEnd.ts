import type { Ieee } from "./air.js";
import type { Network } from "./network/network.js";

/** The coordinator protocols the simulator speaks to its host. */
export type CoordinatorProtocol = "zstack" | "deconz";
export const COORDINATOR_PROTOCOLS: readonly CoordinatorProtocol[] = ["zstack", "deconz"];

/** One connected host: its bytes go in with push(); a partial frame that never completes is skipped. */
export interface HostSession {
  push(chunk: Buffer): void;
  /** bytes of an unfinished frame */
  readonly pending: number;
  skipStale(): void;
}

/** What a transport (TCP, and the pty through it) needs of a coordinator front-end. */
export interface HostEndpoint {
  /** A host connected (one at a time, as on a serial port); `write` sends bytes to it. */
  openSession(write: (data: Buffer) => void, discard: (reason: string, bytes: number) => void): HostSession;
  closeSession(): void;
}

/**
 * A coordinator front-end: one serial protocol (Z-Stack MT, deCONZ) over the shared network model. The simulator
 * wires a front-end to the transports and persists its state next to the network's.
 */
export interface CoordinatorFrontEnd {
  readonly net: Network;
  /** the coordinator's own APS group table: group id → endpoints */
  readonly groups: Map<number, Set<number>>;
  readonly ieeeAddr: Ieee;
  readonly hostAttached: boolean;
  events: { changed?(): void };
  /** the simulator (re)started with persisted state: the stick powers on */
  powerOn(): void;
  stop(): void;
  /** raw bytes to the host as if the stick sent them (fuzzing the host) */
  injectToHost(bytes: Buffer): void;
}
