import type { RequestModule } from "../bridge/requests.js";
import type { BridgeContext } from "../context.js";
import type { FeatureDeps } from "../deps.js";
import { bindRequests } from "./bindRequests.js";
import { deviceLifecycleRequests } from "./deviceLifecycleRequests.js";
import { deviceSetupRequests } from "./deviceSetupRequests.js";
import { reportingRequests } from "./reportingRequests.js";

/**
 * Every device/* request: remove, rename, options (deviceLifecycleRequests.ts); configure, interview,
 * generate_external_definition (deviceSetupRequests.ts); reporting/configure, reporting/read (reportingRequests.ts);
 * bind, unbind, binds/clear (bindRequests.ts).
 */
export function deviceRequests(ctx: BridgeContext, deps: FeatureDeps): RequestModule {
  return {
    ...deviceLifecycleRequests(ctx, deps),
    ...deviceSetupRequests(ctx, deps),
    ...reportingRequests(ctx),
    ...bindRequests(ctx, (ieee) => deps.configure.schedule(ieee, true)),
  };
}
