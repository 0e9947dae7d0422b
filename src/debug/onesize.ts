/** The debug add-on's members of Onesize (placeholder until they move here). */
export function debugOnesize(C: any): void {
  void C;
}
