import type { RequestModule } from "../bridge/requests.js";
import type { BridgeContext } from "../context.js";
import type { FeatureDeps } from "../deps.js";

/** group/* requests (filled in by the groups work). */
export function groupRequests(_ctx: BridgeContext, _deps: FeatureDeps): RequestModule {
  return {};
}
