// The set of in-flight attempts (and of requests waiting to retry): add and remove in O(1)
// through a slot index kept on the member.
//
// Not a Set: members here live a few milliseconds and churn thousands of times a second. A
// Set's table keeps a removed entry until it next rehashes, so members outlive their request,
// survive young-generation collections and are promoted; at saturation the engine spent over a
// tenth of its CPU in mark-compact collections because of it (bench/runner-cpu.mjs).

export interface Slotted {
  /** Index in the list holding it; -1 when in none. */
  slot: number;
}

export class SlotList<T extends Slotted> {
  private readonly items: T[] = [];

  get size(): number {
    return this.items.length;
  }

  add(item: T): void {
    if (item.slot >= 0) return;
    item.slot = this.items.length;
    this.items.push(item);
  }

  delete(item: T): boolean {
    const i = item.slot;
    if (i < 0 || this.items[i] !== item) return false;
    const last = this.items.pop()!;
    if (last !== item) {
      this.items[i] = last;
      last.slot = i;
    }
    item.slot = -1;
    return true;
  }

  /** Calls `fn` for every member; `fn` may remove the member it is given. */
  forEachRemovable(fn: (item: T) => void): void {
    // Backwards: a removal moves the last member into the freed slot, and the last member has
    // already been visited.
    for (let i = this.items.length - 1; i >= 0; i--) {
      const item = this.items[i];
      if (item !== undefined) fn(item);
    }
  }

  /** A copy of the members, for loops that may add or remove many. */
  toArray(): T[] {
    return this.items.slice();
  }
}
