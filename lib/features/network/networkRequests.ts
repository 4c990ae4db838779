import type { RequestModule } from "../bridge/requests.js";
import type { BridgeContext } from "../context.js";
import type { FeatureDeps } from "../deps.js";

/** General bridge requests: health_check, coordinator_check, restart, backup, options, networkmap, install_code, touchlink (filled in by the network work). */
export function networkRequests(_ctx: BridgeContext, _deps: FeatureDeps): RequestModule {
  return {};
}
