import type { AttributeValue } from "./deviceSpec.js";

/** A stored scene: the attribute values it restores, per cluster name and attribute name. */
export interface Scene {
  endpoint: number;
  groupId: number;
  sceneId: number;
  name: string;
  /** 1/10 s */
  transitionTime: number;
  values: Record<string, Record<string, AttributeValue>>;
}

/** The scene table of a device (genScenes), per endpoint, group and scene id. */
export class SceneTable {
  private readonly scenes = new Map<string, Scene>();

  constructor(
    /** scenes each endpoint can hold */
    readonly capacity = 16,
  ) {}

  private static key(endpoint: number, groupId: number, sceneId: number): string {
    return `${endpoint}/${groupId}/${sceneId}`;
  }

  get(endpoint: number, groupId: number, sceneId: number): Scene | undefined {
    return this.scenes.get(SceneTable.key(endpoint, groupId, sceneId));
  }

  /** false when the endpoint's table is full */
  set(scene: Scene): boolean {
    const key = SceneTable.key(scene.endpoint, scene.groupId, scene.sceneId);
    if (!this.scenes.has(key) && this.count(scene.endpoint) >= this.capacity) return false;
    this.scenes.set(key, scene);
    return true;
  }

  remove(endpoint: number, groupId: number, sceneId: number): boolean {
    return this.scenes.delete(SceneTable.key(endpoint, groupId, sceneId));
  }

  removeGroup(endpoint: number, groupId: number): void {
    for (const sceneId of this.sceneIds(endpoint, groupId)) this.remove(endpoint, groupId, sceneId);
  }

  sceneIds(endpoint: number, groupId: number): number[] {
    const ids: number[] = [];
    for (const scene of this.scenes.values())
      if (scene.endpoint === endpoint && scene.groupId === groupId) ids.push(scene.sceneId);
    return ids;
  }

  count(endpoint: number): number {
    let count = 0;
    for (const scene of this.scenes.values()) if (scene.endpoint === endpoint) count++;
    return count;
  }

  all(): Scene[] {
    return [...this.scenes.values()];
  }

  replace(scenes: readonly Scene[]): void {
    this.scenes.clear();
    for (const scene of scenes) this.scenes.set(SceneTable.key(scene.endpoint, scene.groupId, scene.sceneId), scene);
  }
}
