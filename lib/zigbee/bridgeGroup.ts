import type { GroupOptions } from "../settings/types.js";
import type { Group } from "./herdsmanTypes.js";

export interface GroupOptionsSource {
  groupOptions(id: number): GroupOptions | undefined;
}

/** A herdsman group as the bridge sees it: friendly name and options from the settings. */
export class BridgeGroup {
  constructor(
    readonly zh: Group,
    private readonly options$: GroupOptionsSource,
  ) {}

  get id(): number {
    return this.zh.groupID;
  }

  get options(): GroupOptions {
    return this.options$.groupOptions(this.zh.groupID) ?? { friendly_name: `group_${this.zh.groupID}` };
  }

  get name(): string {
    return this.options.friendly_name ?? `group_${this.zh.groupID}`;
  }

  /** member endpoints as (ieee, endpoint id) */
  members(): Array<{ ieee: string; endpoint: number }> {
    return this.zh.members.map((m) => ({ ieee: m.deviceIeeeAddress, endpoint: m.ID }));
  }
}
