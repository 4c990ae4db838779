import type { RequestModule } from "../bridge/requests.js";
import type { BridgeContext } from "../context.js";
import type { FeatureDeps } from "../deps.js";

/** device/* requests (filled in by the device API work). */
export function deviceRequests(_ctx: BridgeContext, _deps: FeatureDeps): RequestModule {
  return {};
}
