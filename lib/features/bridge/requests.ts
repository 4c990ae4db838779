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
      this.ctx.logger.error(`Request 'bridge/request/${name}' failed: ${message}`, NS);
      response = { data: {}, status: "error", error: message };
    }
    if (transaction !== undefined) response.transaction = transaction;
    try {
      await this.ctx.mqtt.publish(`bridge/response/${name}`, stableStringify(response), { retain: false, qos: 0 });
    } catch (e) {
      this.ctx.logger.error(`Cannot publish bridge/response/${name}: ${errorMessage(e)}`, NS);
    }
    return response;
  }
}

/** Helpers for validating request payloads with clear messages. */
export function requireObject(payload: unknown, example: string): Record<string, unknown> {
  if (typeof payload !== "object" || payload === null || Array.isArray(payload)) {
    throw new BridgeError("INVALID_PAYLOAD", `Invalid payload: expected a JSON object like ${example}`);
  }
  return payload as Record<string, unknown>;
}
