import type { Expose } from "./exposeTypes.js";

/** Trigger values kept per device whose definition does not list its action values. */
export const MAX_UNLISTED_ACTIONS = 50;

/** What the triggers need to know of a device. */
export interface ActionSource {
  readonly ieee: string;
  readonly name: string;
  exposes(): readonly unknown[];
}

/**
 * The action values that have a Home Assistant device trigger (each is a retained discovery config), per device.
 * Bounded: when the definition's `action` expose lists its values, only those; otherwise at most
 * `MAX_UNLISTED_ACTIONS` per device (a device that sends counters or random text would otherwise add a retained
 * config per message), with one warning when the cap is reached.
 */
export class ActionTriggers {
  private readonly byDevice = new Map<string, Set<string>>();
  private readonly warned = new Set<string>();

  constructor(
    private readonly warn: (line: string) => void,
    private readonly cap = MAX_UNLISTED_ACTIONS,
  ) {}

  /** Adds a trigger for `action`; true when it is new (discovery must be published again). */
  add(device: ActionSource, action: string): boolean {
    const known = this.byDevice.get(device.ieee);
    if (known?.has(action)) return false;
    const listed = listedActions(device);
    if (listed) {
      if (!listed.includes(action)) return false;
    } else if ((known?.size ?? 0) >= this.cap) {
      if (!this.warned.has(device.ieee)) {
        this.warned.add(device.ieee);
        this.warn(
          `'${device.name}' sent more than ${this.cap} different action values; no Home Assistant trigger is ` +
            `made for new ones (e.g. '${action}')`,
        );
      }
      return false;
    }
    const set = known ?? new Set<string>();
    set.add(action);
    this.byDevice.set(device.ieee, set);
    return true;
  }

  get(ieee: string): Iterable<string> {
    return this.byDevice.get(ieee) ?? [];
  }

  delete(ieee: string): void {
    this.byDevice.delete(ieee);
    this.warned.delete(ieee);
  }
}

/** The values of the definition's `action` expose, when it lists them. */
function listedActions(device: ActionSource): unknown[] | undefined {
  for (const e of device.exposes() as Expose[]) {
    if (e.property === "action" && Array.isArray(e.values) && e.values.length > 0) return e.values;
  }
  return undefined;
}
