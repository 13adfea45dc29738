// The parts of autocannon 8 the benchmarks use; the package ships no types.
declare module 'autocannon' {
  /** One request of a sequence; `setupRequest` may rewrite it before each send. */
  export interface AutocannonRequest {
    method?: string;
    path?: string;
    headers?: Record<string, string>;
    body?: string;
    setupRequest?: (request: AutocannonRequest, context: Record<string, unknown>) => AutocannonRequest;
  }

  export interface AutocannonOptions {
    url: string;
    connections?: number;
    /** Seconds; ignored when `amount` is set. */
    duration?: number;
    amount?: number;
    timeout?: number;
    method?: string;
    headers?: Record<string, string>;
    body?: string;
    requests?: AutocannonRequest[];
  }

  export interface AutocannonHistogram {
    average: number;
    mean: number;
    min: number;
    max: number;
    p50: number;
    p90: number;
    p99: number;
  }

  export interface AutocannonResult {
    /** Seconds. */
    duration: number;
    errors: number;
    timeouts: number;
    non2xx: number;
    '2xx': number;
    statusCodeStats: Record<string, { count: number }>;
    /** Milliseconds. */
    latency: AutocannonHistogram;
    requests: AutocannonHistogram & { total: number; sent: number };
  }

  /** A run in progress: awaitable, and an emitter of each response as it arrives. */
  export interface AutocannonRun extends PromiseLike<AutocannonResult> {
    on(event: 'response', listener: (client: unknown, statusCode: number) => void): this;
  }

  export default function autocannon(options: AutocannonOptions): AutocannonRun;
}
