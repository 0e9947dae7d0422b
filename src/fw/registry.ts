/**
 * F´'s MemAllocatorRegistry: allocators by purpose. A component asks the
 * registry for the allocator of its type instead of being handed one, so a
 * deployment decides in one place which memory each purpose gets.
 * Behaviour follows F´ (nasa/fprime, Fw/Types/MemAllocator.hpp and
 * config/MemoryAllocation.fpp): SYSTEM is always registered, registering a
 * type again replaces it, getAllocator of an unregistered type is an error
 * (F´ asserts; here it throws), getAnAllocator falls back to SYSTEM. The
 * registry keeps references only: it owns, closes and frees nothing, and
 * every registered allocator must outlive its users.
 */
import { fail, checkInt } from "../core/errors.js";
import { SystemAllocator } from "./mem-allocator.js";
import type { MemAllocator } from "./mem-allocator.js";

/**
 * The allocator types (F´'s MemoryAllocatorType): SYSTEM is 0, CUSTOM_k is k
 * for k in 1 … the registry's `customTypes` (4 unless its constructor was
 * told otherwise; the constants stop at CUSTOM_4).
 */
export var MemoryAllocatorType = { SYSTEM: 0, CUSTOM_1: 1, CUSTOM_2: 2, CUSTOM_3: 3, CUSTOM_4: 4 };

/** The registry getInstance() returns, made on first use. */
var instance: MemAllocatorRegistry | null = null;

/**
 * Allocators by type. `new MemAllocatorRegistry(system?, customTypes?)`
 * registers `system` (default: a new engine-heap SystemAllocator) as SYSTEM
 * and accepts the types 0 … customTypes (default 4, at most 255: F´'s type
 * is a U8). `MemAllocatorRegistry.getInstance()` is F´'s singleton.
 */
export class MemAllocatorRegistry {
  /** The highest CUSTOM_k type this registry accepts. */
  customTypes: number;
  /** The allocator of each type (index = type), or null. */
  _a: (MemAllocator | null)[];

  /**
   * Throws EINVAL naming the argument when customTypes is not an integer in
   * [0, 255] or system is given and is not a MemAllocator. O(customTypes).
   */
  constructor(system?: MemAllocator, customTypes?: number) {
    var n = customTypes === undefined ? 4 : checkInt(customTypes, "customTypes", 0, 255),
      i;
    this.customTypes = n;
    this._a = [];
    for (i = 0; i <= n; i++) this._a.push(null);
    this.registerAllocator(0, system === undefined ? new SystemAllocator() : system);
  }

  /**
   * Make `allocator` the one of `type` (replacing any before it; SYSTEM
   * included). Throws EINVAL naming the argument when type is not an
   * integer in [0, customTypes] or allocator lacks allocate and deallocate
   * functions. O(1).
   */
  registerAllocator(type: number, allocator: MemAllocator): void {
    checkInt(type, "type", 0, this.customTypes);
    if (!allocator || typeof allocator.allocate !== "function" || typeof allocator.deallocate !== "function") {
      fail("EINVAL", "allocator must be a MemAllocator (with allocate and deallocate functions), got " + allocator);
    }
    this._a[type] = allocator;
  }

  /**
   * The allocator of `type`. Throws ENOENT naming the type when none is
   * registered (F´ asserts), EINVAL when type is not an integer in
   * [0, customTypes]. O(1).
   */
  getAllocator(type: number): MemAllocator {
    var a = this._a[checkInt(type, "type", 0, this.customTypes)];
    if (a === null)
      fail(
        "ENOENT",
        "no allocator is registered for type " +
          type +
          " (CUSTOM_" +
          type +
          "): register one with registerAllocator, or ask getAnAllocator, which falls back to SYSTEM"
      );
    return a as MemAllocator;
  }

  /** The allocator of `type`, or SYSTEM's when none is registered. Throws EINVAL when type is not an integer in [0, customTypes]. O(1). */
  getAnAllocator(type: number): MemAllocator {
    return this._a[checkInt(type, "type", 0, this.customTypes)] || (this._a[0] as MemAllocator);
  }

  /** F´'s singleton: one registry for the program, made on first call with an engine-heap SystemAllocator as SYSTEM. O(1). */
  static getInstance(): MemAllocatorRegistry {
    return instance || (instance = new MemAllocatorRegistry());
  }
}
