/**
 * The debug add-on: what a board needs only while debugging (validate(),
 * invariantsHold(), iteration, Zephyr-style listeners, long error texts, the
 * full statistics), installed onto the classes of a loaded ramkit bundle so
 * that the same objects gain them. Each installer takes the class, never
 * imports it, so the add-on bundle holds none of the lean code.
 */
import { fail } from "../core/errors.js";
import { debugMemBlocks, debugMemBlocksGroup, debugBitArray } from "./mem-blocks.js";
import { debugOnesize } from "./onesize.js";
import { debugGranularHeap } from "./granular-heap.js";
import { debugMemoryManager } from "./memory-manager.js";
import { debugBankManager } from "./bank-manager.js";
import { debugFw } from "./fw.js";
import { debugPeekPoke } from "./peek-poke.js";

/** Install the debug members onto every class `rk` (a ramkit bundle's exports) has. Returns rk. */
export function installDebug(rk: any): any {
  if (!rk || (typeof rk !== "object" && typeof rk !== "function")) fail("EINVAL", "rk must be a loaded ramkit bundle's exports, got " + rk);
  if (rk.MemBlocks) debugMemBlocks(rk.MemBlocks);
  if (rk.MemBlocksGroup) debugMemBlocksGroup(rk.MemBlocksGroup);
  if (rk.BitArray) debugBitArray(rk.BitArray);
  if (rk.Onesize) debugOnesize(rk.Onesize);
  if (rk.GranularHeap) debugGranularHeap(rk.GranularHeap);
  if (rk.MemoryManager) debugMemoryManager(rk.MemoryManager);
  if (rk.BankManager) debugBankManager(rk.BankManager);
  if (rk.PeekPokeMemory) debugPeekPoke(rk.PeekPokeMemory);
  debugFw(rk);
  return rk;
}
