/** The debug add-on's members of MemBlocks (placeholder until they move here). */
export function debugMemBlocks(C: any): void {
  void C;
}
