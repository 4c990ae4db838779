/**
 * One error type with stable codes. Callers branch on `code`, never on message text; one place (the request
 * router) maps errors to MQTT responses.
 */
export type ErrorCode =
  | "INVALID_PAYLOAD"
  | "UNKNOWN_ENTITY"
  | "UNKNOWN_ENDPOINT"
  | "UNSUPPORTED"
  | "INVALID_NAME"
  | "INVALID_CODE"
  | "ZIGBEE_FAILED"
  | "ADAPTER_UNAVAILABLE"
  | "BUSY"
  | "UNKNOWN_REQUEST"
  | "TOO_LARGE"
  | "INTERNAL";

export class BridgeError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly context: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = "BridgeError";
  }
}

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
