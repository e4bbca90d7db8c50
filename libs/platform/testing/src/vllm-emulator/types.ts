/**
 * Public types of the vLLM emulator. See README.md in this folder for the wire behaviour.
 */

export interface EmulatorBehavior {
  /** Answer this HTTP status (e.g. 429, 500, 503) with a vLLM/OpenAI error body instead of the normal answer. Values < 400 mean "answer normally". */
  status?: number;
  /** Sets `Retry-After` on the injected error answers (`status`). */
  retryAfterSeconds?: number;
  /** Wait this long before sending any byte (headers included). */
  stallMs?: number;
  /** Streams only: destroy the connection after N content chunks (no finish chunk, no usage chunk, no `[DONE]`). */
  dieAfterChunks?: number;
  /** Destroy the socket without answering (after `stallMs`, when that is set too). */
  dropConnection?: boolean;
  /** What `GET /health` answers (default 200). Not affected by the other fields. */
  healthStatus?: number;
  /** Extension: overrides `EmulatorOptions.tokenDelayMs` while this behaviour is active. */
  tokenDelayMs?: number;
}

export interface EmulatorOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0 (any free port). */
  port?: number;
  /** Served model names, default `['emulated-model']`. */
  models?: string[];
  /** Gap between streamed token chunks; a non-stream answer waits `tokenDelayMs * tokens`. Default 0. */
  tokenDelayMs?: number;
  /** Completion length when the request has no `max_tokens` / `max_completion_tokens`. Default 16. */
  defaultMaxTokens?: number;
  /** Length of the emulated embedding vectors. Default 8. */
  embeddingDimensions?: number;
  /** Echoed in the `x-emulator-instance` header and in `system_fingerprint`. Default `vllm-emulator-<port>`. */
  name?: string;
  /** Extension: `max_model_len` reported by /v1/models and enforced like vLLM (prompt + max_tokens). Default 32768. */
  maxModelLen?: number;
}

export type EmulatorEndpoint = 'chat' | 'completions' | 'embeddings' | 'models';

export interface EmulatorAbort {
  /** `Date.now()` when the emulator saw the client go away. */
  at: number;
  /** Content chunks written before the client went away (0 for non-stream requests). */
  chunksSent: number;
}

export interface EmulatorStats {
  /** All /v1 requests received (counted on arrival). */
  requests: number;
  byEndpoint: Record<EmulatorEndpoint, number>;
  /** /v1 requests answered fully with a 2xx (a stream counts once `[DONE]` is written). */
  completed: number;
  /** Sums of the usage the emulator reported for completed 2xx answers. */
  promptTokens: number;
  completionTokens: number;
  /** /v1 requests whose response has not finished yet. Live value; `resetStats()` does not zero it. */
  inFlight: number;
  /** Client went away before the answer was complete (never recorded for drop/die behaviour or `close()`). */
  aborts: EmulatorAbort[];
  lastRequestHeaders: Record<string, string | string[] | undefined>;
  lastBody: unknown;
  /** Extension: answers written, by HTTP status (includes injected errors and 4xx). */
  byStatus: Record<string, number>;
  /** Extension: `GET /health` requests received. */
  healthChecks: number;
}

export interface VllmEmulator {
  /** `http://<host>:<port>` */
  url: string;
  port: number;
  name: string;
  /** Replace the current behaviour (`{}` = normal). */
  behave(behavior: EmulatorBehavior): void;
  /** A snapshot copy. */
  stats(): EmulatorStats;
  resetStats(): void;
  /** Closes the server and destroys open sockets (pending timers are cleared, no aborts recorded). */
  close(): Promise<void>;
}
