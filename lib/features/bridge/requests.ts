import { BridgeError, errorMessage } from "../../util/errors.js";
import { stableStringify } from "../../util/stableJson.js";
import type { BridgeContext } from "../context.js";

const NS = "z2m:bridge";

/** A request handler: gets the parsed payload (object or raw string), returns the response `data`. */
export type RequestHandler = (payload: unknown) => Promise<Record<string, unknown>>;

/** The request names a feature answers, with their handlers. */
export type RequestModule = Record<string, RequestHandler>;

/**
 * `bridge/request/<name>` → handler → `bridge/response/<name>` with zigbee2mqtt's envelope
 * `{data, status: "ok"|"error", error?, transaction?}`. Every request gets a response, including malformed ones.
 */
export class BridgeRequests {
  private readonly handlers = new Map<string, RequestHandler>();

  constructor(private readonly ctx: BridgeContext) {}

  register(module: RequestModule): void {
    for (const [name, handler] of Object.entries(module)) this.handlers.set(name.toLowerCase(), handler);
  }

  get names(): string[] {
    return [...this.handlers.keys()];
  }

  async handle(name: string, raw: Buffer): Promise<Record<string, unknown>> {
    let payload: unknown = raw.toString("utf8");
    try {
      payload = JSON.parse(payload as string);
    } catch {
      // a plain string payload (some requests take one)
    }
    const transaction =
      typeof payload === "object" && payload !== null && !Array.isArray(payload) && "transaction" in payload
        ? (payload as { transaction: unknown }).transaction
        : undefined;
    let response: Record<string, unknown>;
    try {
      const handler = this.handlers.get(name.toLowerCase());
      if (!handler) throw new BridgeError("UNKNOWN_REQUEST", `Unknown request 'bridge/request/${name}'`);
      const data = await handler(payload);
      response = { data, status: "ok" };
    } catch (e) {
      const message = errorMessage(e);
      // zigbee2mqtt's wording and namespace: the full topic, the error quoted
      const topic = `${this.ctx.settings.get().mqtt.base_topic}/bridge/request/${name}`;
      this.ctx.logger.error(`Request '${topic}' failed with error: '${message}'`);
      response = { data: {}, status: "error", error: message };
    }
    if (transaction !== undefined) response.transaction = transaction;
    await this.publishResponse(name, response);
    return response;
  }

  /**
   * Publishes the response. One that cannot be serialized or sent (a transaction nested too deep to echo, a reply
   * over the packet size limit) is replaced by a short error response, so that every request gets one answer.
   */
  private async publishResponse(name: string, response: Record<string, unknown>): Promise<void> {
    const topic = `bridge/response/${name}`;
    const send = (r: Record<string, unknown>) =>
      this.ctx.mqtt.publish(topic, stableStringify(r), { retain: false, qos: 0 });
    let problem: string;
    try {
      return await send(response);
    } catch (e) {
      problem = e instanceof RangeError ? "it is nested too deeply to serialize" : errorMessage(e);
    }
    const error = `The response to 'bridge/request/${name}' could not be sent: ${problem}`;
    this.ctx.logger.error(error, NS);
    const fallback: Record<string, unknown> = { data: {}, status: "error", error };
    if (echoable(response.transaction)) fallback.transaction = response.transaction;
    try {
      await send(fallback);
    } catch (e) {
      this.ctx.logger.error(`Cannot publish ${topic}: ${errorMessage(e)}`, NS);
    }
  }
}

/** A transaction that can be echoed in a fallback response: a short string or a number. */
function echoable(transaction: unknown): boolean {
  return typeof transaction === "number" || (typeof transaction === "string" && transaction.length <= 1000);
}

/** Helpers for validating request payloads with clear messages. */
export function requireObject(payload: unknown, example: string): Record<string, unknown> {
  if (typeof payload !== "object" || payload === null || Array.isArray(payload)) {
    throw new BridgeError("INVALID_PAYLOAD", `Invalid payload: expected a JSON object like ${example}`);
  }
  return payload as Record<string, unknown>;
}
