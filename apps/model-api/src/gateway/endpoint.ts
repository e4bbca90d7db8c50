import { Pool as UndiciPool } from 'undici';

export interface EndpointOptions {
  connectTimeoutMs: number;
  firstByteTimeoutMs: number;
  idleTimeoutMs: number;
  connections: number;
  ejectAfterFailures: number;
  ejectCooldownMs: number;
}

/**
 * One vLLM replica. Tracks what the balancer needs: requests outstanding, the active probe's verdict,
 * and passive ejection (after consecutive failures it rests for a cooldown, then one half-open trial
 * request decides whether it is back).
 */
export class Endpoint {
  readonly url: string;
  readonly dispatcher: UndiciPool;
  outstanding = 0;
  /** Verdict of the last active /health probe. */
  probeHealthy = true;
  consecutiveFailures = 0;
  ejectedUntil = 0;
  /** Set while the one trial request after a cooldown is in flight. */
  private trialInFlight = false;
  /** The endpoint asked us (429/503 + Retry-After) not to send more before this time. */
  backoffUntil = 0;

  constructor(url: string, private readonly options: EndpointOptions) {
    this.url = url.replace(/\/+$/, '');
    this.dispatcher = new UndiciPool(this.url, {
      connections: options.connections,
      connect: { timeout: options.connectTimeoutMs },
      headersTimeout: options.firstByteTimeoutMs,
      bodyTimeout: options.idleTimeoutMs,
      keepAliveTimeout: 30_000,
      pipelining: 1,
    });
  }

  get ejected(): boolean {
    return this.ejectedUntil > 0;
  }

  /** Whether the balancer may send a request here now. */
  isAvailable(now: number): boolean {
    if (!this.probeHealthy || now < this.backoffUntil) return false;
    if (this.ejectedUntil === 0) return true;
    return now >= this.ejectedUntil && !this.trialInFlight;
  }

  /** Call when a request is sent; returns a function to call with its outcome. */
  begin(now: number): (outcome: 'success' | 'failure' | 'neutral') => void {
    this.outstanding++;
    const isTrial = this.ejectedUntil > 0 && now >= this.ejectedUntil;
    if (isTrial) this.trialInFlight = true;
    let settled = false;
    return (outcome) => {
      if (settled) return;
      settled = true;
      this.outstanding--;
      if (isTrial) this.trialInFlight = false;
      if (outcome === 'success') {
        this.consecutiveFailures = 0;
        this.ejectedUntil = 0;
      } else if (outcome === 'failure') {
        this.consecutiveFailures++;
        if (isTrial || this.consecutiveFailures >= this.options.ejectAfterFailures) {
          this.ejectedUntil = Date.now() + this.options.ejectCooldownMs;
        }
      }
    };
  }

  close(): Promise<void> {
    return this.dispatcher.close();
  }
}
