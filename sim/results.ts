/**
 * The shape of an experiment's results: what `ramkit experiment run`,
 * `ramkit trace replay` and `ramkit sweep` produce, what the terminal table,
 * `report/results.json`, `report/results.csv` and the HTML report read.
 * Energies in µJ, currents in µA, times in simulated seconds, sizes in bytes.
 */

/** Policy names, in report order (the oracle is not a policy: it is the bound shown beside them). */
export const POLICY_NAMES = ["all-on", "heap-top", "gate-empty", "pack+gate"] as const;
export type PolicyName = (typeof POLICY_NAMES)[number];

/** Energy split: the base (the mode's own current) and the RAM retention of sections on or retained. */
export interface EnergySplit {
  total_uJ: number;
  base_uJ: number;
  retention_uJ: number;
}

/** One sample of the time series (taken at every change, and at least every `sampleSeconds`). */
export interface Sample {
  t: number;
  /** Total current at t (base + retention of sections on or retained). */
  current_uA: number;
  /** Sections on (or retained) among the managed region's sections. */
  sectionsOn: number;
  /** Bytes in live allocations. */
  liveBytes: number;
}

/** A section's power states over time: [t, state] at every change, the first at t = 0. */
export interface Lane {
  section: string;
  changes: [number, "on" | "off" | "retained"][];
}

/** What one policy did over the run. */
export interface PolicyResult {
  policy: PolicyName;
  energy: EnergySplit;
  avgCurrent_uA: number;
  /** Time-averaged number of managed sections on (or retained). */
  avgSectionsOn: number;
  switchOns: number;
  switchOffs: number;
  /** Allocations that returned 0. */
  failures: number;
  peakLiveBytes: number;
  /** Time-averaged 1 − largest free run / free bytes (0 for fixed-block pools). */
  fragmentation: number;
  /** Saving against all-on, in % of all-on's retention energy and of its total energy. */
  savingRetentionPct: number;
  savingTotalPct: number;
  /** This policy's retention energy divided by the oracle's (1.0 = the bound). */
  retentionVsOracle: number;
  samples: Sample[];
  lanes: Lane[];
  /**
   * Live allocations whose contents were lost or faulted (checked at every
   * free, and at every write): 0 unless the bank manager switched off a
   * section under live data. Optional (older results lack it).
   */
  dataErrors?: number;
}

/** The bound: the fewest sections that could hold the live bytes at every instant. */
export interface OracleResult {
  energy: EnergySplit;
  avgSectionsOn: number;
  samples: Sample[];
}

/** Where a figure came from: the board file's source or derivation text. */
export interface FigureSource {
  what: string;
  value: number;
  unit: string;
  source: string;
}

/** One experiment's results. */
export interface ExperimentResult {
  name: string;
  board: { name: string; title: string; chip: string };
  allocator: { kind: string; base: number; size: number; blockSize: number };
  workload: string;
  seed: number;
  durationSeconds: number;
  powerMode: string;
  /** Managed sections: name, base, size, retention current (µA). */
  sections: { name: string; base: number; size: number; retention_uA: number }[];
  policies: PolicyResult[];
  oracle: OracleResult;
  /** The board figures the energies came from. */
  sources: FigureSource[];
  /** The firmware layout the experiment assumed instead of the board file's, in plain words (absent: the board file's). */
  firmware?: string;
  /** What the model does not capture, in plain words (shown in every report). */
  limits: string[];
}
