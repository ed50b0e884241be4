// Types for hdtw's Node.js addon (README, "Node.js").

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

export interface DistanceOptions extends DtwOptions {
  /** false: distance only (hdtw_distance, no O(m*n) matrix). Default true. */
  alignment?: boolean;
}

export interface Alignment {
  distance: number;
  /** 1 / (1 + distance / pathLength), in (0, 1]. */
  similarity: number;
  /** The path flattened: [i0, j0, i1, j1, ...] from (0,0) to (m-1,n-1). */
  alignment: Uint32Array;
}

export function dtwDistance(a: Float64Array, b: Float64Array,
                            opts?: DistanceOptions & { alignment?: true }): Alignment;
export function dtwDistance(a: Float64Array, b: Float64Array,
                            opts: DistanceOptions & { alignment: false }): { distance: number };

/** historical: windows of patternLength values stored back to back. */
export function dtwBatch(pattern: Float64Array, historical: Float64Array,
                         patternLength: number, opts?: DtwOptions): Float64Array;

/** One result per window start 0, stride, 2*stride, ... (windows read in place). */
export function dtwSliding(pattern: Float64Array, series: Float64Array,
                           window: number, stride: number, opts?: DtwOptions): Float64Array;

/** The same on the libuv thread pool; inputs must not change until settled. */
export function dtwDistanceAsync(a: Float64Array, b: Float64Array,
                                 opts?: DistanceOptions & { alignment?: true }): Promise<Alignment>;
export function dtwDistanceAsync(a: Float64Array, b: Float64Array,
                                 opts: DistanceOptions & { alignment: false }): Promise<{ distance: number }>;
export function dtwBatchAsync(pattern: Float64Array, historical: Float64Array,
                              patternLength: number, opts?: DtwOptions): Promise<Float64Array>;
export function dtwSlidingAsync(pattern: Float64Array, series: Float64Array,
                                window: number, stride: number,
                                opts?: DtwOptions): Promise<Float64Array>;

/** The backend ('scalar', 'avx2', ...) that served the last successful call. */
export function lastBackend(): string;
