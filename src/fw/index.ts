/**
 * The F´ layer: MemAllocator (adapters over every ramkit allocator, the
 * SystemAllocator), the allocator registry, the init-phase lock and the
 * BufferManager. See docs/FW.md.
 */
export { MemAllocatorAdapter, SystemAllocator, allocationLock, lockAllocations, unlockAllocations } from "./mem-allocator.js";
export type { MemAllocator, MemRequest, AdapterOptions, SystemAllocatorOptions } from "./mem-allocator.js";
export { MemAllocatorRegistry, MemoryAllocatorType } from "./registry.js";
export { BufferManager, BUFFERMGR_MAX_NUM_BINS } from "./buffer-manager.js";
export type { BufferBin, Buffer, BufferManagerPorts } from "./buffer-manager.js";
