/**
 * MemBlocksGroup: Zephyr's multi memory blocks allocator
 * (`sys_multi_mem_blocks`). Up to 8 MemBlocks allocators; a choice function
 * picks one per allocation from the caller's `cfg` (by its index in the
 * group); a free is routed to the allocator whose region holds the FIRST
 * address. Return codes as Zephyr's. The checkers are the debug add-on's
 * (src/debug/mem-blocks.ts). In the full bundle, not in the lean MemBlocks
 * one (docs/MEMBLOCKS.md).
 */
import { MemBlocks } from "./mem-blocks.js";
import { EINVAL, fail } from "../core/errors.js";

// The argument checks are written inline (`v >>> 0 === v`: an integer in
// [0, 2^32)) rather than as helpers: on Espruino every function of a module
// costs about 7 blocks of RAM.

/** Most allocators in one group (Zephyr's MAX_MULTI_ALLOCATORS). */
export var MAX_MULTI_ALLOCATORS = 8;

/**
 * Picks the allocator for `cfg`: its index in `group.allocators`, or -1 for
 * "none fits" (-EINVAL). An index, not the allocator itself, so that the
 * group checks membership with one compare instead of a search.
 */
export type MemBlocksChoice = (group: MemBlocksGroup, cfg: any) => number;

/**
 * Where `MemBlocksGroup.allocBlocks` reports its choice (Zephyr's `blk_size`
 * out parameter): the chosen block size, and the allocator itself.
 */
export interface MemBlocksGroupChoice {
  blockSize: number;
  allocator: MemBlocks | null;
}

/**
 * A group of MemBlocks allocators. Complexity: allocBlocks = the choice
 * function + MemBlocks.allocBlocks; freeBlocks = O(allocators) to find the
 * owner + MemBlocks.freeBlocks. Metadata: the list of allocators and the
 * choice function; nothing per block.
 */
export class MemBlocksGroup {
  /** The allocators, in the order added. Read it; add through addAllocator. */
  allocators: MemBlocks[];
  /** The choice function. */
  _choose: MemBlocksChoice;

  /** An empty group choosing with `choice`. Throws EINVAL when choice is not a function. */
  constructor(choice: MemBlocksChoice) {
    if (typeof choice !== "function") fail("EINVAL", "choice must be a function (group, cfg) → index or -1, got " + choice);
    this._choose = choice;
    this.allocators = [];
  }

  /**
   * Add `allocator`; returns its index. Throws EINVAL when it is not a
   * MemBlocks, is already in the group, overlaps the region of one that is
   * (a free could not be routed; possible for allocators of different
   * Memory ports), or the group already holds 8. O(allocators).
   */
  addAllocator(allocator: MemBlocks): number {
    if (!(allocator instanceof MemBlocks)) fail("EINVAL", "allocator must be a MemBlocks, got " + allocator);
    var list = this.allocators;
    if (list.length >= MAX_MULTI_ALLOCATORS) fail("EINVAL", "a group holds at most " + MAX_MULTI_ALLOCATORS + " allocators");
    for (var i = 0; i < list.length; i++) {
      var o = list[i];
      if (o === allocator) fail("EINVAL", "allocator is already in the group (index " + i + ")");
      if (allocator.base < o.base + o.size && o.base < allocator.base + allocator.size) {
        fail(
          "EINVAL",
          "allocator region 0x" +
            allocator.base.toString(16) +
            "+" +
            allocator.size +
            " overlaps allocator " +
            i +
            " (0x" +
            o.base.toString(16) +
            "+" +
            o.size +
            ")"
        );
      }
    }
    list.push(allocator);
    return list.length - 1;
  }

  /** The allocator whose region holds `address`, or null. O(allocators). */
  findAllocator(address: number): MemBlocks | null {
    var list = this.allocators,
      o;
    for (var i = 0; i < list.length; i++) {
      o = address - list[i].base; // owns() is the debug add-on's
      if (typeof address === "number" && o >= 0 && o < list[i].size) return list[i];
    }
    return null;
  }

  /**
   * Allocate `count` blocks from the allocator whose index `choice(this,
   * cfg)` returns, into out[0..count) (Zephyr's sys_multi_mem_blocks_alloc).
   * 0 on success, and then, when `chosen` is given, chosen.blockSize /
   * chosen.allocator report the allocator used; count 0 returns 0 with
   * blockSize 0 and allocator null, WITHOUT calling the choice function.
   * -EINVAL when count is not an integer ≥ 0 or the choice is not the index
   * of a member (-1 included); otherwise that allocator's allocBlocks result
   * (-ENOMEM when it has fewer than count free blocks; its lastError and
   * statistics record it). Throws EINVAL when out is not an array (or as
   * MemBlocks.allocBlocks) or `chosen` not an object. O(count).
   */
  allocBlocks(cfg: any, count: number, out: number[], chosen?: MemBlocksGroupChoice): number {
    if (out === null || typeof out !== "object" || typeof out.length !== "number")
      fail("EINVAL", "out must be an array of addresses, got " + out);
    if (chosen !== undefined && (chosen === null || typeof chosen !== "object")) {
      fail("EINVAL", "chosen must be an object to receive blockSize and allocator, got " + chosen);
    }
    if (count >>> 0 !== count) return -EINVAL;
    if (count === 0) {
      if (chosen) {
        chosen.blockSize = 0;
        chosen.allocator = null;
      }
      return 0;
    }
    var i = this._choose(this, cfg);
    if (i >>> 0 !== i || i >= this.allocators.length) return -EINVAL;
    var mb = this.allocators[i],
      r = mb.allocBlocks(count, out);
    if (r === 0 && chosen) {
      chosen.blockSize = mb.blockSize;
      chosen.allocator = mb;
    }
    return r;
  }

  /**
   * Free addresses[0..count) in the allocator whose region holds
   * addresses[0] (all must belong to it: others count as foreign, -EFAULT;
   * Zephyr's sys_multi_mem_blocks_free). 0 on success (count 0 does
   * nothing); -EINVAL when count is not an integer ≥ 0 or addresses[0] is in
   * no allocator of the group; otherwise MemBlocks.freeBlocks's result.
   * Throws EINVAL when addresses is not an array. O(allocators + count).
   */
  freeBlocks(count: number, addresses: number[]): number {
    if (addresses === null || typeof addresses !== "object" || typeof addresses.length !== "number")
      fail("EINVAL", "addresses must be an array of addresses, got " + addresses);
    if (count >>> 0 !== count) return -EINVAL;
    if (count === 0) return 0;
    var mb = this.findAllocator(addresses[0]);
    if (mb === null) return -EINVAL;
    return mb.freeBlocks(count, addresses);
  }

  /** (debug add-on) Cheap checks: at most 8 allocators, each passing its own. O(allocators). */
  declare invariantsHold: () => boolean;
  /** (debug add-on) Full check of every allocator and that no two regions overlap: null or what is wrong. */
  declare validate: () => string | null;
}
