/** The debug add-on's members of MemoryManager (placeholder until they move here). */
export function debugMemoryManager(C: any): void {
  void C;
}
