/**
 * MemBlocksGroup: Zephyr's multi memory blocks allocator
 * (`sys_multi_mem_blocks`). Up to 8 MemBlocks allocators; a choice function
 * picks one per allocation from the caller's `cfg`; a free is routed to the
 * allocator whose region holds the FIRST address. Return codes as Zephyr's.
 */
import { MemBlocks, checkArray } from "./mem-blocks.js";
import { isIndex } from "../core/bitarray.js";
import { EINVAL, ENOMEM, fail } from "../core/errors.js";

/** Most allocators in one group (Zephyr's MAX_MULTI_ALLOCATORS). */
export var MAX_MULTI_ALLOCATORS = 8;

/** Picks the allocator for `cfg`; null (or undefined) means "none fits" (-EINVAL). */
export type MemBlocksChoice = (group: MemBlocksGroup, cfg: any) => MemBlocks | null | undefined;

/**
 * Where `MemBlocksGroup.alloc` reports its choice (Zephyr's `blk_size` out
 * parameter): the chosen block size, and the allocator itself.
 */
export interface MemBlocksGroupChoice {
  blockSize: number;
  allocator: MemBlocks | null;
}

/**
 * A group of MemBlocks allocators. Complexity: alloc = the choice function +
 * MemBlocks.alloc; free = O(allocators) to find the owner + MemBlocks.free.
 * Metadata: the list of allocators and the choice function; nothing per block.
 */
export class MemBlocksGroup {
  /** The allocators, in the order added. Read it; add through addAllocator. */
  allocators: MemBlocks[];
  /** The choice function. */
  _c: MemBlocksChoice;

  /** An empty group choosing with `choice`. Throws EINVAL when choice is not a function. */
  constructor(choice: MemBlocksChoice) {
    if (typeof choice !== "function") fail("EINVAL", "choice must be a function (group, cfg) → MemBlocks or null, got " + choice);
    this._c = choice;
    this.allocators = [];
  }

  /**
   * Add `allocator`; returns its index. Throws EINVAL when it is not a
   * MemBlocks, is already in the group, overlaps the region of one that is
   * (a free could not be routed), or the group already holds 8. O(allocators).
   */
  addAllocator(allocator: MemBlocks): number {
    if (!(allocator instanceof MemBlocks)) fail("EINVAL", "allocator must be a MemBlocks, got " + allocator);
    var list = this.allocators;
    if (list.length >= MAX_MULTI_ALLOCATORS) fail("EINVAL", "a group holds at most " + MAX_MULTI_ALLOCATORS + " allocators");
    for (var i = 0; i < list.length; i++) {
      var o = list[i];
      if (o === allocator) fail("EINVAL", "allocator is already in the group (index " + i + ")");
      if (allocator.base < o.base + o.size && o.base < allocator.base + allocator.size) {
        fail("EINVAL", "allocator region 0x" + allocator.base.toString(16) + "+" + allocator.size +
          " overlaps allocator " + i + " (0x" + o.base.toString(16) + "+" + o.size + ")");
      }
    }
    list.push(allocator);
    return list.length - 1;
  }

  /** The allocator whose region holds `address`, or null. O(allocators). */
  findAllocator(address: number): MemBlocks | null {
    var list = this.allocators;
    for (var i = 0; i < list.length; i++) if (list[i].contains(address)) return list[i];
    return null;
  }

  /**
   * Allocate `count` blocks from the allocator that `choice(this, cfg)`
   * returns, into out[0..count). 0 on success, and then, when `choice` is
   * given, choice.blockSize / choice.allocator report the allocator used;
   * count 0 returns 0 with blockSize 0 and allocator null, WITHOUT calling the
   * choice function. -EINVAL when count is not an integer ≥ 0, or the choice
   * function returns null or an allocator not in the group; -ENOMEM when
   * count exceeds the chosen allocator's blocks or free blocks. Throws EINVAL
   * when out is not an array or `choice` not an object. O(count).
   */
  alloc(cfg: any, count: number, out: number[], choice?: MemBlocksGroupChoice): number {
    checkArray(out, "out");
    if (choice !== undefined && (choice === null || typeof choice !== "object")) {
      fail("EINVAL", "choice must be an object to receive blockSize and allocator, got " + choice);
    }
    if (!isIndex(count)) return -EINVAL;
    if (count === 0) {
      if (choice) { choice.blockSize = 0; choice.allocator = null; }
      return 0;
    }
    var mb = this._c(this, cfg);
    if (!mb || this._index(mb) < 0) return -EINVAL;
    if (count > mb.numBlocks) return -ENOMEM;
    var r = mb.alloc(count, out);
    if (r === 0 && choice) { choice.blockSize = mb.blockSize; choice.allocator = mb; }
    return r;
  }

  /**
   * Free addresses[0..count) in the allocator whose region holds
   * addresses[0] (all must belong to it: others count as foreign, -EFAULT).
   * 0 on success (count 0 does nothing); -EINVAL when count is not an integer
   * ≥ 0 or addresses[0] is in no allocator of the group; otherwise
   * MemBlocks.free's result. Throws EINVAL when addresses is not an array.
   * O(allocators + count).
   */
  free(count: number, addresses: number[]): number {
    checkArray(addresses, "addresses");
    if (!isIndex(count)) return -EINVAL;
    if (count === 0) return 0;
    var mb = this.findAllocator(addresses[0]);
    if (mb === null) return -EINVAL;
    return mb.free(count, addresses);
  }

  /** Index of `mb` in the group, or -1. */
  _index(mb: MemBlocks): number {
    for (var i = 0; i < this.allocators.length; i++) if (this.allocators[i] === mb) return i;
    return -1;
  }

  /** Cheap checks: at most 8 allocators, each passing its own. O(allocators). */
  invariantsHold(): boolean {
    var list = this.allocators;
    if (list.length > MAX_MULTI_ALLOCATORS) return false;
    for (var i = 0; i < list.length; i++) if (!list[i].invariantsHold()) return false;
    return true;
  }

  /** Full check of every allocator and that no two regions overlap: null or what is wrong. */
  validate(): string | null {
    var list = this.allocators;
    if (list.length > MAX_MULTI_ALLOCATORS) return "more than " + MAX_MULTI_ALLOCATORS + " allocators";
    for (var i = 0; i < list.length; i++) {
      var r = list[i].validate();
      if (r !== null) return "allocator " + i + ": " + r;
      for (var j = 0; j < i; j++) {
        if (list[i].base < list[j].base + list[j].size && list[j].base < list[i].base + list[i].size) {
          return "allocators " + j + " and " + i + " overlap";
        }
      }
    }
    return null;
  }
}
