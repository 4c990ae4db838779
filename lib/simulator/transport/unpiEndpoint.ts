import type { Coordinator } from "../coordinator/coordinator.js";
import type { HostEndpoint, HostSession } from "../frontEnd.js";
import { UnpiParser } from "../unpi/parser.js";

/** The Z-Stack coordinator as a transport sees it: UNPI frames in, the coordinator's writes out. */
export function unpiEndpoint(coordinator: Coordinator): HostEndpoint {
  return {
    openSession(write, discard): HostSession {
      const parser = new UnpiParser({ frame: (f) => coordinator.handle(f), discard });
      coordinator.attachHost(write);
      return parser;
    },
    closeSession: () => coordinator.detachHost(),
  };
}
