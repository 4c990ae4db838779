import type { EntityState } from "../state/stateCache.js";
import { BridgeError, errorMessage } from "../util/errors.js";
import { BridgeDevice } from "../zigbee/bridgeDevice.js";
import type { BridgeGroup } from "../zigbee/bridgeGroup.js";
import type { Definition, Endpoint } from "../zigbee/herdsmanTypes.js";
import type { BridgeContext } from "./context.js";
import type { EntityPublisher } from "./entityPublisher.js";
import { checkValue } from "./valueCheck.js";

const NS = "z2m:publish";
type TzConverter = Definition["toZigbee"][number];
const BARE_STATES = /^(on|off|toggle|open|close|stop|lock|unlock)$/i;
const STATE_KEYS = ["state", "brightness", "brightness_percent"];
const FORBIDDEN_KEYS = new Set(["__proto__", "constructor", "prototype"]);

export interface SetGetRequest {
  /** the topic part before /set or /get: a friendly name, maybe followed by /<endpoint> */
  entityPath: string;
  action: "set" | "get";
  /** the attribute in `<name>/set/<attribute>` */
  attribute?: string;
  payload: Buffer;
}

export interface SetGetResult {
  /** keys that were sent */
  done: string[];
  /** one line per key that failed */
  errors: string[];
}

/**
 * MQTT → Zigbee: `<name>[/<endpoint>]/set|get[/<attribute>]`. Each key goes through the definition's toZigbee
 * converter; failures are logged as clear errors (and returned, for a caller that can answer) and never stop the
 * other keys or other devices.
 */
export class SetGet {
  constructor(
    private readonly ctx: BridgeContext,
    private readonly publisher: EntityPublisher,
  ) {}

  async handle(req: SetGetRequest): Promise<SetGetResult> {
    const result: SetGetResult = { done: [], errors: [] };
    try {
      await this.run(req, result);
    } catch (e) {
      result.errors.push(errorMessage(e));
    }
    for (const line of result.errors) this.ctx.logger.error(line, NS);
    return result;
  }

  private resolve(path: string): { entity: BridgeDevice | BridgeGroup; endpointName?: string } {
    const direct = this.ctx.zigbee.resolveEntity(path);
    if (direct) return { entity: direct };
    const slash = path.lastIndexOf("/");
    if (slash > 0) {
      const entity = this.ctx.zigbee.resolveEntity(path.slice(0, slash));
      if (entity) return { entity, endpointName: path.slice(slash + 1) };
    }
    throw new BridgeError("UNKNOWN_ENTITY", `Entity '${path}' is unknown`);
  }

  private parse(req: SetGetRequest): Record<string, unknown> {
    const text = req.payload.toString("utf8");
    if (req.attribute !== undefined) {
      let value: unknown = text;
      try {
        value = JSON.parse(text);
      } catch {
        // a raw string value
      }
      return { [req.attribute]: value };
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      if (BARE_STATES.test(text.trim())) return { state: text.trim().toUpperCase() };
      throw new BridgeError(
        "INVALID_PAYLOAD",
        `Invalid payload for '${req.entityPath}/${req.action}': not JSON and not ON/OFF/TOGGLE (${truncate(text)})`,
      );
    }
    if (typeof parsed === "string" && BARE_STATES.test(parsed)) return { state: parsed.toUpperCase() };
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
      throw new BridgeError(
        "INVALID_PAYLOAD",
        `Invalid payload for '${req.entityPath}/${req.action}': expected a JSON object (${truncate(text)})`,
      );
    }
    return parsed as Record<string, unknown>;
  }

  private async run(req: SetGetRequest, result: SetGetResult): Promise<void> {
    const { entity, endpointName } = this.resolve(req.entityPath);
    if (!this.ctx.zigbee.available) {
      throw new BridgeError(
        "ADAPTER_UNAVAILABLE",
        `Cannot ${req.action} '${entity.name}': the Zigbee adapter is disconnected (reconnecting)`,
      );
    }
    const message = this.parse(req);
    const isDevice = entity instanceof BridgeDevice;
    let definitions: Definition[];
    if (isDevice) {
      const def = entity.definition ?? (await entity.resolveDefinition());
      if (!def)
        throw new BridgeError(
          "UNSUPPORTED",
          `Cannot ${req.action} '${entity.name}': its device is not supported (no definition)`,
        );
      definitions = [def];
    } else {
      definitions = this.memberDefinitions(entity);
    }
    const converters = dedupe(definitions.flatMap((d) => d.toZigbee));
    const options = entity.options as Record<string, unknown>;
    const stateKeyOf = isDevice ? entity.ieee : String(entity.id);
    const optimistic: EntityState = {};
    const membersOptimistic = new Map<string, EntityState>();
    const used = new Map<string, Set<TzConverter>>();

    for (const [rawKey, value] of orderKeys(message)) {
      if (rawKey === "transaction") continue;
      if (FORBIDDEN_KEYS.has(rawKey)) {
        result.errors.push(`Refused key '${rawKey}' for '${entity.name}'`);
        continue;
      }
      let key = rawKey;
      let epName = endpointName;
      let target: Endpoint | BridgeGroup["zh"] | undefined;
      if (isDevice) {
        const suffix = Object.keys(entity.endpointNames()).find((n) => key.endsWith(`_${n}`));
        if (suffix && !converters.some((c) => c.key?.includes(key))) {
          key = key.slice(0, -(suffix.length + 1));
          epName = suffix;
        }
        target = entity.endpoint(epName);
        if (!target) {
          result.errors.push(`Device '${entity.name}' has no endpoint '${epName}'`);
          continue;
        }
      } else target = entity.zh;

      const converter = converters.find(
        (c) =>
          (!c.key || c.key.includes(key)) && (!c.endpoints || (epName !== undefined && c.endpoints.includes(epName))),
      );
      const fn = converter && (req.action === "set" ? converter.convertSet : converter.convertGet);
      if (!converter || !fn) {
        result.errors.push(
          `No converter available for '${key}' on '${entity.name}'${isDevice ? ` (${definitions[0].model})` : ""}`,
        );
        continue;
      }
      const usedHere = used.get(epName ?? "") ?? new Set<TzConverter>();
      if (req.action === "set" && usedHere.has(converter)) continue;
      usedHere.add(converter);
      used.set(epName ?? "", usedHere);
      if (req.action === "set" && isDevice) {
        const problem = checkValue(entity, key, value);
        if (problem) {
          result.errors.push(`Invalid value for '${key}' on '${entity.name}': ${problem}`);
          continue;
        }
      }
      const meta = {
        endpoint_name: epName,
        options,
        message,
        device: isDevice ? entity.zh : undefined,
        state: this.ctx.state.get(stateKeyOf),
        membersState: isDevice ? undefined : this.membersState(entity),
        mapped: isDevice ? definitions[0] : definitions,
        publish: (p: EntityState) => void this.publisher.publish(entity, p),
        deviceExposesChanged: () => {},
      };
      try {
        const r = (await (req.action === "set"
          ? converter.convertSet?.(target as never, key, value, meta as never)
          : converter.convertGet?.(target as never, key, meta as never))) as
          | { state?: EntityState; membersState?: Record<string, EntityState> }
          | undefined;
        result.done.push(key);
        if (r?.state && options.optimistic !== false) {
          const suffix =
            isDevice && epName !== undefined && entity.endpointNames()[epName] !== undefined ? `_${epName}` : "";
          for (const [k, v] of Object.entries(r.state)) optimistic[`${k}${suffix}`] = v;
        }
        if (r?.membersState)
          for (const [ieee, s] of Object.entries(r.membersState))
            membersOptimistic.set(ieee, { ...membersOptimistic.get(ieee), ...s });
      } catch (e) {
        result.errors.push(`Publish '${req.action}' '${key}' to '${entity.name}' failed: '${errorMessage(e)}'`);
      }
    }
    if (Object.keys(optimistic).length > 0) await this.publisher.publish(entity, optimistic);
    for (const [ieee, s] of membersOptimistic) {
      const member = this.ctx.zigbee.device(ieee);
      if (member) await this.publisher.publish(member, s);
    }
  }

  private memberDefinitions(group: BridgeGroup): Definition[] {
    const defs: Definition[] = [];
    for (const m of group.members()) {
      const def = this.ctx.zigbee.device(m.ieee)?.definition;
      if (def && !defs.includes(def)) defs.push(def);
    }
    return defs;
  }

  private membersState(group: BridgeGroup): Record<string, EntityState> {
    const out: Record<string, EntityState> = {};
    for (const m of group.members()) out[m.ieee] = this.ctx.state.get(m.ieee);
    return out;
  }
}

function dedupe<T>(list: T[]): T[] {
  return [...new Set(list)];
}

/** state/brightness first when switching off, last otherwise (so a colour is set before the lamp turns on). */
function orderKeys(message: Record<string, unknown>): Array<[string, unknown]> {
  const entries = Object.entries(message);
  const off = typeof message.state === "string" && message.state.toUpperCase() === "OFF";
  const isState = ([k]: [string, unknown]) => STATE_KEYS.includes(k);
  const states = entries.filter(isState);
  const rest = entries.filter((e) => !isState(e));
  return off ? [...states, ...rest] : [...rest, ...states];
}

function truncate(s: string): string {
  return s.length > 80 ? `${s.slice(0, 80)}…` : s;
}
