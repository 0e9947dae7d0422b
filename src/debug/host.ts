/**
 * The host's view of ramkit: every class with the debug add-on installed.
 * Host code (the simulator, the CLI, the tests) imports this once; on a
 * board the add-on is a separate bundle (see index.ts).
 */
import { MemBlocks } from "../alloc/mem-blocks.js";
import { MemBlocksGroup } from "../alloc/mem-blocks-group.js";
import { BitArray } from "../core/bitarray.js";
import { Onesize } from "../alloc/onesize.js";
import { GranularHeap } from "../alloc/granular-heap.js";
import { MemoryManager } from "../alloc/memory-manager.js";
import { BankManager } from "../power/bank-manager.js";
import { PeekPokeMemory } from "../hal/peek-poke.js";
import { installDebug } from "./index.js";
import * as fw from "../fw/index.js";

installDebug({
  MemBlocks: MemBlocks,
  MemBlocksGroup: MemBlocksGroup,
  BitArray: BitArray,
  Onesize: Onesize,
  GranularHeap: GranularHeap,
  MemoryManager: MemoryManager,
  BankManager: BankManager,
  PeekPokeMemory: PeekPokeMemory
});
installDebug(fw);
