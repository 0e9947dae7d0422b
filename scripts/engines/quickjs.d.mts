export declare const ESPRUINO_PROFILE: string;
export declare function runQuickJS(
  script: string,
  filename: string,
  options?: { espruino?: boolean; timeoutMs?: number },
): Promise<{ output: string; error: string | null; notes: string }>;
