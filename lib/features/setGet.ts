import type { Tz } from "zigbee-herdsman-converters";
import type { EntityState } from "../state/stateCache.js";
import { BridgeError, errorMessage } from "../util/errors.js";
import { BridgeDevice } from "../zigbee/bridgeDevice.js";
import type { BridgeGroup } from "../zigbee/bridgeGroup.js";
import type { Definition, Endpoint } from "../zigbee/herdsmanTypes.js";
import { CommandQueue } from "./commandQueue.js";
import type { BridgeContext } from "./context.js";
import type { EntityPublisher } from "./entityPublisher.js";
import {
  type Message,
  messageFor,
  orderKeys,
  parsePayload,
  regexList,
  removeMatching,
  splitEndpointKey,
  withEndpointSuffix,
} from "./setGetMessage.js";
import { checkValue } from "./valueCheck.js";

type TzConverter = Tz.Converter;
type Entity = BridgeDevice | BridgeGroup;
const FORBIDDEN_KEYS = new Set(["__proto__", "constructor", "prototype"]);

export interface SetGetRequest {
  /** the entity's friendly name (or IEEE address / group id) as the topic has it */
  entityPath: string;
  /** the endpoint in `<name>/<endpoint>/set` */
  endpoint?: string;
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

/** One key of a message, resolved to its endpoint and converter. */
interface Step {
  rawKey: string;
  key: string;
  value: unknown;
  /** the endpoint as the topic or key names it (`l2`; a number when the endpoint has no name) */
  endpointName: string | undefined;
  /** the suffix of its state keys: the endpoint's name, when the definition names it */
  stateSuffix: string | undefined;
  target: Endpoint | BridgeGroup["zh"];
  converter: TzConverter;
}

/** The distinct toZigbee converters of the definitions, and the keys they take. */
interface ConverterIndex {
  converters: TzConverter[];
  keys: Set<string>;
}

/** per definition (a device has one): built on its first command, not on every one */
const converterIndexes = new WeakMap<Definition, ConverterIndex>();

function converterIndex(definitions: Definition[]): ConverterIndex {
  const only = definitions.length === 1 ? definitions[0] : undefined;
  const cached = only && converterIndexes.get(only);
  if (cached) return cached;
  const converters = [...new Set(definitions.flatMap((d) => d.toZigbee))];
  const index = { converters, keys: new Set(converters.flatMap((c) => c.key ?? [])) };
  if (only) converterIndexes.set(only, index);
  return index;
}

/**
 * MQTT → Zigbee: `<name>[/<endpoint>]/set|get[/<attribute>]`. Commands to one entity run in the order received
 * (`CommandQueue`); each key goes through the definition's toZigbee converter with its own copy of the message;
 * failures are logged as clear errors (and returned, for a caller that can answer) and never stop the other keys or
 * other devices.
 */
export class SetGet {
  readonly queue: CommandQueue;
  /** abandons each command in flight: when the adapter disconnects they fail instead of holding their queue */
  private readonly inFlight = new Set<(e: Error) => void>();

  constructor(
    private readonly ctx: BridgeContext,
    private readonly publisher: EntityPublisher,
    queue = new CommandQueue(),
  ) {
    this.queue = queue;
    ctx.bus.on("adapterDisconnected", this, () => {
      const error = new BridgeError("ADAPTER_UNAVAILABLE", "the Zigbee adapter disconnected while it was in flight");
      for (const abandon of this.inFlight) abandon(error);
      this.inFlight.clear();
    });
  }

  /** The converter call, or its failure when the adapter disconnects first (herdsman may never settle it). */
  private async guarded<T>(call: Promise<T> | T): Promise<T> {
    let abandon: (e: Error) => void = () => {};
    const abandoned = new Promise<never>((_, reject) => {
      abandon = reject;
    });
    this.inFlight.add(abandon);
    try {
      return await Promise.race([call, abandoned]);
    } finally {
      this.inFlight.delete(abandon);
    }
  }

  async handle(req: SetGetRequest): Promise<SetGetResult> {
    const result: SetGetResult = { done: [], errors: [] };
    try {
      const { entity, endpointName } = this.resolve(req);
      const key = entity instanceof BridgeDevice ? entity.ieee : `group:${entity.id}`;
      let queued: Promise<void>;
      try {
        queued = this.queue.run(key, () => this.run(req, entity, endpointName, result));
      } catch (e) {
        throw new BridgeError("BUSY", `Refused '${req.action}' for '${entity.name}': ${errorMessage(e)}`);
      }
      await queued;
    } catch (e) {
      result.errors.push(errorMessage(e));
    }
    // zigbee2mqtt's namespace: WindFront matches "z2m: Publish 'set' … failed …" lines to mark a failed command
    for (const line of result.errors) this.ctx.logger.error(line);
    return result;
  }

  private resolve(req: SetGetRequest): { entity: Entity; endpointName?: string } {
    const path = req.entityPath;
    const direct = this.ctx.zigbee.resolveEntity(path);
    if (direct) return { entity: direct, endpointName: req.endpoint };
    const slash = path.lastIndexOf("/");
    if (slash > 0 && req.endpoint === undefined) {
      const entity = this.ctx.zigbee.resolveEntity(path.slice(0, slash));
      if (entity) return { entity, endpointName: path.slice(slash + 1) };
    }
    throw new BridgeError("UNKNOWN_ENTITY", `Entity '${path}' is unknown`);
  }

  /** Without an await when they are known (the usual case): the command's frame is then written in the same turn. */
  private definitionsOf(entity: Entity, action: string): Definition[] | Promise<Definition[]> {
    if (!(entity instanceof BridgeDevice)) return this.memberDefinitions(entity);
    return entity.definition ? [entity.definition] : this.resolvedDefinitions(entity, action);
  }

  private async resolvedDefinitions(entity: BridgeDevice, action: string): Promise<Definition[]> {
    const def = await entity.resolveDefinition();
    if (!def)
      throw new BridgeError(
        "UNSUPPORTED",
        `Cannot ${action} '${entity.name}': its device is not supported (no definition)`,
      );
    return [def];
  }

  private async run(req: SetGetRequest, entity: Entity, topicEndpoint: string | undefined, result: SetGetResult) {
    if (!this.ctx.zigbee.available) {
      throw new BridgeError(
        "ADAPTER_UNAVAILABLE",
        `Cannot ${req.action} '${entity.name}': the Zigbee adapter is disconnected (reconnecting)`,
      );
    }
    const topic = `${req.entityPath}${req.endpoint !== undefined ? `/${req.endpoint}` : ""}/${req.action}`;
    const message = parsePayload(req.payload.toString("utf8"), req.attribute, topic);
    const known = this.definitionsOf(entity, req.action);
    const definitions = Array.isArray(known) ? known : await known;
    const steps = this.plan(req, entity, definitions, message, topicEndpoint, result);
    // a key refused before sending is left out of every converter's message too (a converter reads its siblings)
    const accepted: Message = {};
    for (const [k, v] of Object.entries(message)) if (!FORBIDDEN_KEYS.has(k)) accepted[k] = v;
    for (const step of steps.refused) delete accepted[step];
    await this.execute(req, entity, definitions, steps.ready, accepted, result);
  }

  /** Resolves each key to an endpoint and converter, and checks its value; what cannot be sent becomes an error. */
  private plan(
    req: SetGetRequest,
    entity: Entity,
    definitions: Definition[],
    message: Message,
    topicEndpoint: string | undefined,
    result: SetGetResult,
  ): { ready: Step[]; refused: string[] } {
    const isDevice = entity instanceof BridgeDevice;
    const { converters, keys } = converterIndex(definitions);
    const names = isDevice ? entity.endpointNames() : {};
    const endpointNames = Object.keys(names);
    const isConverterKey = (k: string) => keys.has(k);
    const ready: Step[] = [];
    const refused: string[] = [];
    for (const [rawKey, value] of orderKeys(message)) {
      if (rawKey === "transaction") continue;
      if (FORBIDDEN_KEYS.has(rawKey)) {
        result.errors.push(`Refused key '${rawKey}' for '${entity.name}'`);
        continue;
      }
      const split =
        isDevice && endpointNames.length > 0
          ? splitEndpointKey(rawKey, endpointNames, isConverterKey)
          : { key: rawKey };
      const key = split.key;
      let endpointName = split.endpoint ?? topicEndpoint;
      let target: Step["target"];
      if (isDevice) {
        const endpoint = entity.endpoint(endpointName);
        if (!endpoint) {
          result.errors.push(`Device '${entity.name}' has no endpoint '${endpointName}'`);
          refused.push(rawKey);
          continue;
        }
        target = endpoint;
        // a numbered endpoint that has a name goes by its name (`<name>/2/set` on an `l2` endpoint)
        if (endpointName !== undefined && /^\d+$/.test(endpointName))
          endpointName = entity.endpointName(endpoint) ?? endpointName;
      } else target = entity.zh;
      const converter = converters.find(
        (c) =>
          (!c.key || c.key.includes(key)) &&
          (!isDevice || !c.endpoints || (endpointName !== undefined && c.endpoints.includes(endpointName))),
      );
      if (!converter || !(req.action === "set" ? converter.convertSet : converter.convertGet)) {
        // zigbee2mqtt's wording: the value follows in parentheses
        result.errors.push(`No converter available for '${key}' on '${entity.name}': (${JSON.stringify(value)})`);
        continue;
      }
      if (req.action === "set" && isDevice) {
        const exposed = endpointName !== undefined ? `${key}_${endpointName}` : key;
        const problem = checkValue(entity, key, value, exposed);
        if (problem) {
          result.errors.push(`Invalid value for '${rawKey}' on '${entity.name}': ${problem}`);
          refused.push(rawKey);
          continue;
        }
      }
      const named = isDevice && endpointName !== undefined && names[endpointName] !== undefined;
      const stateSuffix = named ? endpointName : undefined;
      ready.push({ rawKey, key, value, endpointName, stateSuffix, target, converter });
    }
    return { ready, refused };
  }

  private async execute(
    req: SetGetRequest,
    entity: Entity,
    definitions: Definition[],
    steps: Step[],
    message: Message,
    result: SetGetResult,
  ): Promise<void> {
    const isDevice = entity instanceof BridgeDevice;
    const options = entity.options as Record<string, unknown>;
    const optimistic = options.optimistic !== false;
    const filtered = regexList(options.filtered_optimistic);
    const stateKey = isDevice ? entity.ieee : String(entity.id);
    const own: EntityState = {};
    const members = new Map<string, EntityState>();
    const used = new Map<unknown, Set<TzConverter>>();
    for (const step of steps) {
      const usedHere = used.get(step.target) ?? new Set<TzConverter>();
      used.set(step.target, usedHere);
      // a converter that takes several keys (state and brightness) is called once per endpoint for a set
      if (req.action === "set" && usedHere.has(step.converter)) continue;
      const meta: Tz.Meta = {
        endpoint_name: step.endpointName,
        options,
        message: messageFor(message, step.endpointName),
        device: isDevice ? entity.zh : undefined,
        state: this.ctx.state.get(stateKey),
        membersState: isDevice ? undefined : this.membersState(entity),
        mapped: isDevice ? definitions[0] : definitions,
        publish: (p) => void this.publisher.publish(entity, p),
        deviceExposesChanged: () => {},
      };
      try {
        const call =
          req.action === "set"
            ? step.converter.convertSet?.(step.target, step.key, step.value, meta)
            : step.converter.convertGet?.(step.target, step.key, meta);
        const r = await this.guarded(call);
        result.done.push(step.rawKey);
        if (r?.state && optimistic) {
          Object.assign(own, removeMatching(withEndpointSuffix(r.state, step.stateSuffix), filtered));
        }
        if (r?.membersState && optimistic)
          for (const [ieee, s] of Object.entries(r.membersState)) members.set(ieee, { ...members.get(ieee), ...s });
      } catch (e) {
        result.errors.push(`Publish '${req.action}' '${step.key}' to '${entity.name}' failed: '${errorMessage(e)}'`);
      }
      usedHere.add(step.converter);
    }
    if (Object.keys(own).length > 0) await this.publisher.publish(entity, own);
    for (const [ieee, s] of members) {
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
