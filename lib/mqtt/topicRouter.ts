import type { SetGetRequest } from "../features/setGet.js";

export interface RouteTargets {
  request(name: string, payload: Buffer): void;
  setGet(request: SetGetRequest): void;
  /** Whether `name` addresses a device or group (friendly name, IEEE address or group id). */
  isEntity?(name: string): boolean;
}

/** Topic filters to add and to remove after the entity names changed. */
export interface SubscriptionChange {
  subscribe: string[];
  unsubscribe: string[];
}

const ACTIONS = ["set", "get"] as const;
type Action = (typeof ACTIONS)[number];
const isAction = (s: string | undefined): s is Action => s === "set" || s === "get";
/** Without a known name: the first `/set` or `/get` level splits (only to name the unknown entity in the error). */
const FIRST_SET_GET = /^(.+?)\/(set|get)(?:\/(.+))?$/;

/**
 * The one owner of the MQTT topic space. `base_topic` is matched literally (never as a regular expression).
 * We subscribe to what we handle: `bridge/request/#`, and `/set` and `/get` under names of up to as many levels as
 * the deepest current friendly name, plus one for an endpoint (`setNames` follows renames). A command topic is split
 * at the longest known entity name, so names with `/set/` or `/get/` inside (`hall/get/lamp`) route right.
 */
export class TopicRouter {
  private readonly prefix: string;
  private readonly exactHandlers = new Map<string, (payload: Buffer) => void>();
  /** levels of the deepest friendly name */
  private nameLevels = 1;

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

  /** Follows the current entity names; returns the subscriptions to add and to end. */
  setNames(names: Iterable<string>): SubscriptionChange {
    const before = this.subscriptions();
    let levels = 1;
    for (const name of names) levels = Math.max(levels, name.split("/").length);
    this.nameLevels = levels;
    const after = this.subscriptions();
    return {
      subscribe: after.filter((t) => !before.includes(t)),
      unsubscribe: before.filter((t) => !after.includes(t)),
    };
  }

  subscriptions(): string[] {
    const subs = [`${this.baseTopic}/bridge/request/#`];
    // a name, or a name and an endpoint
    for (let levels = 1; levels <= this.nameLevels + 1; levels++) {
      const name = Array.from({ length: levels }, () => "+").join("/");
      for (const action of ACTIONS) {
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
    const command = this.parseCommand(rest);
    if (!command) return false;
    this.targets.setGet({ ...command, payload });
    return true;
  }

  /** `<name>[/<endpoint>]/set|get[/<attribute>]`, the name being the longest known entity name that fits. */
  parseCommand(rest: string): Omit<SetGetRequest, "payload"> | undefined {
    const levels = rest.split("/");
    const isEntity = this.targets.isEntity;
    if (isEntity) {
      for (let i = levels.length; i >= 1; i--) {
        const name = levels.slice(0, i).join("/");
        if (!isEntity(name)) continue;
        // exactly a name: that entity's own state topic, not a command
        if (i === levels.length) return undefined;
        const tail = parseTail(levels.slice(i));
        if (tail) return { entityPath: name, ...tail };
      }
    }
    const m = FIRST_SET_GET.exec(rest);
    return m ? { entityPath: m[1] as string, action: m[2] as Action, attribute: m[3] } : undefined;
  }
}

/** What follows a name: `set`, `set/<attribute>`, `<endpoint>/set`, `<endpoint>/set/<attribute>` (or get). */
function parseTail(tail: string[]): { endpoint?: string; action: Action; attribute?: string } | undefined {
  if (tail.includes("")) return undefined;
  const [first, second, third] = tail;
  if (isAction(first) && tail.length <= 2) return { action: first, attribute: second };
  if (first !== undefined && isAction(second) && tail.length <= 3)
    return { endpoint: first, action: second, attribute: third };
  return undefined;
}
