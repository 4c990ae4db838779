import type { RequestModule } from "./bridge/requests.js";
import type { BridgeContext, Feature } from "./context.js";
import type { FeatureDeps } from "./deps.js";
import { deviceRequests } from "./devices/deviceRequests.js";
import { groupRequests } from "./groups/groupRequests.js";
import { networkRequests } from "./network/networkRequests.js";

/**
 * The optional capabilities and request modules, in one list so that the controller stays small. Each area adds
 * its feature classes and request module here.
 */
export function createFeatures(ctx: BridgeContext, deps: FeatureDeps): { features: Feature[]; requests: RequestModule[] } {
  const features: Feature[] = [];
  const requests: RequestModule[] = [deviceRequests(ctx, deps), groupRequests(ctx, deps), networkRequests(ctx, deps)];
  return { features, requests };
}
