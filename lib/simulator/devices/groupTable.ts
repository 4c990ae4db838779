/** Group membership per endpoint (genGroups), the data behind `AirDevice.groupEndpoints()`. */
export class GroupTable {
  private readonly byEndpoint = new Map<number, Set<number>>();

  constructor(
    /** groups each endpoint can join (a typical Z-Stack/EmberZNet group table holds 16 entries) */
    readonly capacity = 16,
  ) {}

  /** false when the endpoint's table is full */
  add(endpoint: number, groupId: number): boolean {
    let groups = this.byEndpoint.get(endpoint);
    if (!groups) {
      groups = new Set();
      this.byEndpoint.set(endpoint, groups);
    }
    if (groups.has(groupId)) return true;
    if (groups.size >= this.capacity) return false;
    groups.add(groupId);
    return true;
  }

  remove(endpoint: number, groupId: number): boolean {
    return this.byEndpoint.get(endpoint)?.delete(groupId) ?? false;
  }

  removeAll(endpoint: number): number[] {
    const groups = [...(this.byEndpoint.get(endpoint) ?? [])];
    this.byEndpoint.delete(endpoint);
    return groups;
  }

  has(endpoint: number, groupId: number): boolean {
    return this.byEndpoint.get(endpoint)?.has(groupId) ?? false;
  }

  list(endpoint: number): number[] {
    return [...(this.byEndpoint.get(endpoint) ?? [])];
  }

  remaining(endpoint: number): number {
    return this.capacity - (this.byEndpoint.get(endpoint)?.size ?? 0);
  }

  endpointsOf(groupId: number): number[] {
    const endpoints: number[] = [];
    for (const [endpoint, groups] of this.byEndpoint) if (groups.has(groupId)) endpoints.push(endpoint);
    return endpoints;
  }

  /** [endpoint, groupId] pairs, JSON-safe */
  entries(): [number, number][] {
    const entries: [number, number][] = [];
    for (const [endpoint, groups] of this.byEndpoint) for (const groupId of groups) entries.push([endpoint, groupId]);
    return entries;
  }

  replace(entries: readonly (readonly [number, number])[]): void {
    this.byEndpoint.clear();
    for (const [endpoint, groupId] of entries) this.add(endpoint, groupId);
  }
}
