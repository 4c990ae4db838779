import type { SetGetRequest } from "../features/setGet.js";

export interface RouteTargets {
  request(name: string, payload: Buffer): void;
  setGet(request: SetGetRequest): void;
}

/** How many topic levels a friendly name (plus an endpoint) may have for /set and /get subscriptions. */
const MAX_NAME_LEVELS = 5;
const SET_GET = /^(.+?)\/(set|get)(?:\/(.+))?$/;

/**
 * The one owner of the MQTT topic space. `base_topic` is matched literally (never as a regular expression); we
 * subscribe to exactly what we handle, so our own state publications never come back to us.
 */
export class TopicRouter {
  private readonly prefix: string;
  private readonly exactHandlers = new Map<string, (payload: Buffer) => void>();

  constructor(
    readonly baseTopic: string,
    private readonly targets: RouteTargets,
  ) {
    this.prefix = `${baseTopic}/`;
  }

  /** A handler for one exact topic outside the base (e.g. Home Assistant's birth topic). */
  exact(topic: string, handler: (payload: Buffer) => void): void {
    this.exactHandlers.set(topic, handler);
  }

  subscriptions(): string[] {
    const subs = [`${this.baseTopic}/bridge/request/#`];
    for (let levels = 1; levels <= MAX_NAME_LEVELS; levels++) {
      const name = Array.from({ length: levels }, () => "+").join("/");
      for (const action of ["set", "get"]) {
        subs.push(`${this.baseTopic}/${name}/${action}`, `${this.baseTopic}/${name}/${action}/+`);
      }
    }
    return [...subs, ...this.exactHandlers.keys()];
  }

  /** Dispatches one incoming message; returns false when nobody handles its topic. */
  route(topic: string, payload: Buffer): boolean {
    const exact = this.exactHandlers.get(topic);
    if (exact) {
      exact(payload);
      return true;
    }
    if (!topic.startsWith(this.prefix)) return false;
    const rest = topic.slice(this.prefix.length);
    if (rest.startsWith("bridge/request/")) {
      const name = rest.slice("bridge/request/".length);
      if (name.length === 0) return false;
      this.targets.request(name, payload);
      return true;
    }
    if (rest.startsWith("bridge/")) return false;
    const m = SET_GET.exec(rest);
    if (!m) return false;
    this.targets.setGet({ entityPath: m[1], action: m[2] as "set" | "get", attribute: m[3], payload });
    return true;
  }
}
