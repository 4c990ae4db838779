import type { RequestModule } from "../bridge/requests.js";
import type { BridgeContext } from "../context.js";
import type { FeatureDeps } from "../deps.js";
import { generalRequests } from "./generalRequests.js";
import { networkMapRequests } from "./networkMapRequest.js";
import { touchlinkRequests } from "./touchlinkRequests.js";

/**
 * General bridge requests: health_check, coordinator_check, restart, backup, options, install_code/add (see
 * generalRequests.ts), networkmap (networkMapRequest.ts) and touchlink/* (touchlinkRequests.ts).
 */
export function networkRequests(ctx: BridgeContext, deps: FeatureDeps): RequestModule {
  return { ...generalRequests(ctx, deps), ...networkMapRequests(ctx), ...touchlinkRequests(ctx) };
}
