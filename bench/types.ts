/** The figures one bench run produces; written as JSON with `voxwatch bench --json`. */

/** One timed run of a job, in its own process so that its memory figures are its own. */
export interface Timing {
  /** Points streamed (both files for the detection jobs). */
  points: number;
  /** Wall time of the timed runs, ms (several when the job repeats). */
  runsMs: number[];
  /** The best run, and the throughput it gives. */
  bestMs: number;
  pointsPerSec: number;
  /** Median run and its throughput (equal to the best for a single run). */
  medianMs: number;
  medianPointsPerSec: number;
  /** Untimed warm-up run (first read: JIT, page cache, thread start), when there was one. */
  warmupMs?: number;
  /** CPU time (user + system, all threads of the child) per timed run, ms. Below the wall
   * time for a one-thread job means the job waited: for I/O, or for a core another process had. */
  cpuMsPerRun: number;
  /** Cores other work kept busy in the 250 ms before the job (null without /proc/stat): other
   * work on the machine lowers the figures. */
  busyCoresBefore: number | null;
  /** Cores other processes kept busy during the timed runs (machine busy time less this
   * process's CPU time); above ~0.2 the figure is pulled down by other work. */
  otherCoresDuring: number | null;
  /** RSS of the process before the job started (Node + tsx + modules), MiB. */
  baselineRssMiB: number;
  /** Max of process.memoryUsage().rss sampled every 50 ms during the job, MiB. */
  peakRssMiB: number;
  /** process.resourceUsage().maxRSS at the end of the job (the whole child process), MiB. */
  maxRssMiB: number;
}

export interface LasReadSection {
  file: string;
  points: number;
  fileMiB: number;
  /** Generation time when the file was built by this run; absent when it came from the cache. */
  generatedMs?: number;
  /** fresh: a new set of arrays per chunk (any consumer); reused: the reader's reuseBuffers mode
   * (a consumer done with each chunk before the next, as detection reads). */
  allFields: { fresh: Timing; reused: Timing };
  /** xyz + classification + rgb: what detection reads. */
  detectionFields: { fresh: Timing; reused: Timing };
}

export interface LazFileResult {
  file: string;
  points: number;
  pointFormat: number;
  chunks: number;
  /**
   * One file, chunks decoded in parallel: one decoder thread (the reader's own thread runs beside
   * it on another core), the whole process pinned to one core (the single-core speed; null where
   * `taskset` is missing), and one decoder thread per core.
   */
  oneFile: { singleThread: Timing; singleCore: Timing | null; allCores: Timing; speedUp: number; speedUpOverOneCore: number | null };
  /** The same file read `copies` times at once. */
  severalFiles: {
    copies: number;
    singleThread: Timing;
    singleCore: Timing | null;
    allCores: Timing;
    speedUp: number;
    speedUpOverOneCore: number | null;
  };
}

export interface LazSection {
  threads: number;
  files: LazFileResult[];
}

/** Section i: one detection over a wide area (see bench/sections/area.ts). */
export interface AreaRun {
  areaKm2: number;
  voxel: number;
  points: number;
  endToEnd: Timing;
  timings: Record<string, number>;
  changes: number;
}

export interface DetectionRun {
  /** Points asked for per file; each file holds at least this many. */
  targetPointsPerFile: number;
  tiles: number;
  cols: number;
  files: { path: string; points: number; fileMiB: number }[];
  generatedMs?: number;
  /** Streaming both files with detection's fields, doing nothing with the points: both on one
   * thread, and one thread per file (as detectChanges reads the epochs). */
  readFloor: { oneThread: Timing; threadPerFile: Timing };
  endToEnd: Timing;
  /** detectChanges' own phase timings, ms. */
  timings: Record<string, number>;
  gridCells: number;
  changes: number;
  expectedChanges: number;
  suppressed: number;
  uncertain: number;
  warnings: string[];
  /** os.loadavg() when the detection ended. */
  loadAvg?: number[];
}

/** Section f: a run killed with SIGKILL at half a fresh run's time, then resumed (wall and CPU ms of each child). */
export interface ResumeRun {
  points: number;
  plain: ResumeStep;
  fresh: ResumeStep;
  killAtMs: number;
  killed: ResumeStep;
  partsDoneAtKill: number;
  tilesDoneAtKill: number;
  resumed: ResumeStep;
  /** Resumed wall time over the fresh run's (with --work). */
  ratio: number;
  /** The resumed run's changes.geojson equals the fresh one's, byte for byte. */
  identical: boolean;
}

export interface ResumeStep {
  ms: number;
  cpuMs: number;
  killed: boolean;
  /** os.loadavg() when the step ended. */
  load: number[];
}

export interface ReportRun {
  changes: number;
  runs: { lang: 'zh-CN' | 'en'; out: string; pages: number; bytes: number; changes: number; timing: Timing }[];
}

export interface BenchReport {
  date: string;
  machine: {
    node: string;
    platform: string;
    arch: string;
    cpu: string;
    cores: number;
    availableParallelism: number;
    totalMemGiB: number;
    /** os.loadavg() when the bench started (1, 5, 15 minutes). */
    loadAvgAtStart: number[];
    /** Cores busy with other work in the second before the bench started. */
    busyCoresAtStart: number | null;
  };
  /** The commit measured; coreDirty when core/ had uncommitted changes. */
  revision: { commit: string; coreDirty: boolean } | null;
  options: { scale: boolean; only: string[]; workDir: string; repeats: number };
  las?: LasReadSection;
  laz?: LazSection;
  detection?: DetectionRun[];
  store?: StoreSection;
  report?: ReportRun;
  resume?: ResumeRun[];
  area?: AreaRun;
  sources?: SourcesSection;
  totalMs: number;
}

export interface StoreSection {
  runs: number;
  changes: number;
  seedMs: number;
  /** Median ms of each query (a page of 200). */
  listMs: Record<string, number>;
  bulkVerdicts: number;
  bulkMs: number;
}

export interface SourcesSection {
  crops?: { skipped: string } | { file: string; timing: Timing; bytes: number; missing: number };
  tileset?: { file: string; triangles: number; timing: Timing };
}
