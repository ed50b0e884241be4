// SPDX-License-Identifier: MIT
// Types for hdtw's Node.js addon (docs/NODE.md).

/**
 * An input series. A Float64Array (any view, at any offset) is read in
 * place; a number[] is copied once into a new Float64Array per call. Other
 * typed arrays are refused (TypeError): convert them once with
 * Float64Array.from.
 */
export type Series = Float64Array | number[];

export interface DtwOptions {
  /** 'abs': |x - y| (default); 'squared': (x - y)^2, the distance not rooted. */
  cost?: 'abs' | 'squared';
  /** Sakoe–Chiba half width; negative or absent: no band. Widened to |m - n|. */
  band?: number;
  /** Force a backend; absent: HDTW_BACKEND from the environment, else auto. */
  backend?: 'auto' | 'scalar' | 'avx2' | 'avx512' | 'opencl';
  /** CPU threads; 0 or absent: all cores. */
  threads?: number;
}

/** The options of the calls that honour hdtw_params.max_dist. */
export interface ThresholdOptions extends DtwOptions {
  /**
   * A distance greater than maxDist comes back as Infinity (one equal to it
   * as it is), the same bits on every backend; 0 or absent: no threshold;
   * Infinity changes nothing. Negative or NaN: RangeError.
   */
  maxDist?: number;
}

export interface DistanceOptions extends DtwOptions {
  /** false: distance only (hdtw_distance, no O(m*n) matrix). Default true. */
  alignment?: boolean;
}

/**
 * maxDist only with alignment: false (hdtw_align ignores the threshold:
 * a maxDist > 0 with the alignment is a TypeError,
 * code ERR_INCOMPATIBLE_OPTION_PAIR).
 */
export interface DistanceOnlyOptions extends ThresholdOptions {
  alignment: false;
}

export interface BatchOptions extends ThresholdOptions {
  /** true: allow pattern.length != patternLength (refused by default). */
  allowUnequalLengths?: boolean;
}

export interface SearchOptions extends DtwOptions {
  /** z-normalise the query and every window first (default true). */
  znorm?: boolean;
  /** minimum distance between the starts of two matches; absent: query.length / 2 rounded down. */
  exclusion?: number;
}

/** dtwSubsequence's options: no band (a free start has none). */
export interface SubsequenceOptions {
  /** How many non-overlapping matches at most (default 1). */
  k?: number;
  cost?: 'abs' | 'squared';
  backend?: 'auto' | 'scalar' | 'avx2' | 'avx512' | 'opencl';
  /** Accepted for uniformity; the pass runs on one CPU thread. */
  threads?: number;
  /** Ends that cost more are not candidates; 0 or absent: no threshold. */
  maxDist?: number;
}

export interface Alignment {
  distance: number;
  /** 1 / (1 + distance / pathLength), in (0, 1]. */
  similarity: number;
  /** The path flattened: [i0, j0, i1, j1, ...] from (0,0) to (m-1,n-1). */
  alignment: Uint32Array;
}

export interface Matches {
  /** Window starts, best first; whole numbers, exact below 2^53. */
  starts: Float64Array;
  /** DTW distance of each window to the query, as hdtw_search gives it. */
  distances: Float64Array;
}

export function dtwDistance(a: Series, b: Series,
                            opts?: DistanceOptions & { alignment?: true }): Alignment;
export function dtwDistance(a: Series, b: Series,
                            opts: DistanceOnlyOptions): { distance: number };

/** historical: windows of patternLength values stored back to back. */
export function dtwBatch(pattern: Series, historical: Series,
                         patternLength: number, opts?: BatchOptions): Float64Array;

/** One result per window start 0, stride, 2*stride, ... (windows read in place). */
export function dtwSliding(pattern: Series, series: Series,
                           window: number, stride: number, opts?: ThresholdOptions): Float64Array;

/** The k windows of series (length query.length) most like the query (hdtw_search). */
export function dtwSearch(query: Series, series: Series, k: number,
                          opts?: SearchOptions): Matches;

export interface Spans {
  /** First index of each match, in the order picked (smallest cost first). */
  starts: Float64Array;
  /** Last index of each match, inclusive: series[starts[i] .. ends[i]]. */
  ends: Float64Array;
  /** Each match's cost, the bits of hdtw_subsequence. */
  distances: Float64Array;
}

/**
 * Where the whole query matches a stretch of series of any length (free
 * start, free end; hdtw_subsequence): up to opts.k non-overlapping matches,
 * picked greedily by cost (ties: the smaller end).
 */
export function dtwSubsequence(query: Series, series: Series,
                               opts?: SubsequenceOptions): Spans;

/**
 * A set of series for the matrix functions: an array of Float64Array or
 * number[], of any lengths (ragged). The series are gathered once into one
 * buffer, so they may change as soon as the call has started.
 */
export type SeriesSet = Series[];

/**
 * The distance matrix (hdtw_cdist), row-major: element i * B.length + j is
 * dtwDistance(A[i], B[j], { alignment: false }).distance, the same bits.
 */
export function dtwCdist(A: SeriesSet, B: SeriesSet, opts?: ThresholdOptions): Float64Array;

/**
 * The distances within X (hdtw_pdist), condensed in the order of
 * scipy.spatial.distance.pdist: X.length * (X.length - 1) / 2 elements,
 * element n*i - i*(i+1)/2 + (j-i-1) holding the distance of X[i] and X[j]
 * for i < j (n = X.length).
 */
export function dtwPdist(X: SeriesSet, opts?: ThresholdOptions): Float64Array;

/** x z-normalised (hdtw_znorm): a new Float64Array. */
export function znorm(x: Series): Float64Array;

/** The same on the libuv thread pool; inputs must not change until settled. */
export function dtwDistanceAsync(a: Series, b: Series,
                                 opts?: DistanceOptions & { alignment?: true }): Promise<Alignment>;
export function dtwDistanceAsync(a: Series, b: Series,
                                 opts: DistanceOnlyOptions): Promise<{ distance: number }>;
export function dtwBatchAsync(pattern: Series, historical: Series,
                              patternLength: number, opts?: BatchOptions): Promise<Float64Array>;
export function dtwSlidingAsync(pattern: Series, series: Series,
                                window: number, stride: number,
                                opts?: ThresholdOptions): Promise<Float64Array>;
export function dtwSearchAsync(query: Series, series: Series, k: number,
                               opts?: SearchOptions): Promise<Matches>;
export function dtwSubsequenceAsync(query: Series, series: Series,
                                    opts?: SubsequenceOptions): Promise<Spans>;
export function dtwCdistAsync(A: SeriesSet, B: SeriesSet, opts?: ThresholdOptions): Promise<Float64Array>;
export function dtwPdistAsync(X: SeriesSet, opts?: ThresholdOptions): Promise<Float64Array>;
export function znormAsync(x: Series): Promise<Float64Array>;

/** The backend ('scalar', 'avx2', ...) that served the last successful call. */
export function lastBackend(): string;

export interface OpenclDevice {
  name: string;
  vendor: string;
  platform: string;
  computeUnits: number;
  globalMemBytes: number;
  isGpu: boolean;
  /** cl_khr_fp64; devices without it are never used. */
  fp64: boolean;
}

/** hdtw_opencl_devices: every OpenCL device, in HDTW_OPENCL_DEVICE's index order; [] without OpenCL. */
export function openclDevices(): OpenclDevice[];
