/** The debug add-on's members of GranularHeap (placeholder until they move here). */
export function debugGranularHeap(C: any): void {
  void C;
}
