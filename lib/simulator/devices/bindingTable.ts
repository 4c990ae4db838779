import type { Binding } from "../air.js";

/** ZDO statuses of bind/unbind */
const ZDO_SUCCESS = 0x00;
const ZDO_NOT_SUPPORTED = 0x84;
const ZDO_NO_ENTRY = 0x88;
const ZDO_TABLE_FULL = 0x8c;

function sameBinding(a: Binding, b: Binding): boolean {
  return (
    a.srcEndpoint === b.srcEndpoint &&
    a.clusterId === b.clusterId &&
    JSON.stringify(a.destination) === JSON.stringify(b.destination)
  );
}

/** A device's binding table (ZDO bind/unbind), answering with ZDO statuses. */
export class BindingTable {
  private readonly table: Binding[] = [];

  constructor(
    /** endpoints a binding may start from */
    private readonly endpoints: readonly number[],
    readonly capacity = 16,
  ) {}

  get entries(): readonly Binding[] {
    return this.table;
  }

  /** 0 success (also for a binding already there), 0x84 no such source endpoint, 0x8c table full */
  bind(binding: Binding): number {
    if (!this.endpoints.includes(binding.srcEndpoint)) return ZDO_NOT_SUPPORTED;
    if (this.table.some((b) => sameBinding(b, binding))) return ZDO_SUCCESS;
    if (this.table.length >= this.capacity) return ZDO_TABLE_FULL;
    this.table.push(structuredClone(binding));
    return ZDO_SUCCESS;
  }

  /** 0 success, 0x88 no such entry */
  unbind(binding: Binding): number {
    const index = this.table.findIndex((b) => sameBinding(b, binding));
    if (index < 0) return ZDO_NO_ENTRY;
    this.table.splice(index, 1);
    return ZDO_SUCCESS;
  }

  replace(bindings: readonly Binding[]): void {
    this.table.splice(0, this.table.length, ...structuredClone(bindings));
  }
}
