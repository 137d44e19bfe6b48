/**
 * What one HTTP request may spend on the database: time, as an end-to-end deadline of all its store work
 * (the SDK's own retries included), and request units, collected for telemetry. Past the deadline the
 * request answers 503 with Retry-After, never later; the calls still in flight are aborted.
 */
import { ServiceUnavailableError, TooManyRequestsError } from '../errors';

/** Retry-After (seconds) of a request whose store work outlasted its deadline. */
export const DEADLINE_RETRY_AFTER_SECONDS = 2;

export class RequestBudget {
  private spent = 0;
  private readonly deadline: number;
  private readonly controller = new AbortController();
  /**
   * Passed to every SDK call, and aborted when the deadline passes during one (every call runs in `race`),
   * so nothing outlives the request for long. No timer runs between calls, nor after the request.
   */
  readonly signal: AbortSignal = this.controller.signal;

  constructor(readonly timeoutMs: number) {
    this.deadline = performance.now() + timeoutMs;
  }

  /** Records the request units of one database call. */
  add(requestCharge: number): void {
    this.spent += requestCharge;
  }

  get requestCharge(): number {
    return this.spent;
  }

  remainingMs(): number {
    return Math.max(0, this.deadline - performance.now());
  }

  expired(): boolean {
    return this.remainingMs() === 0 || this.signal.aborted;
  }

  /** The error a request answers when its store work outlasts the deadline. */
  exceeded(cause?: unknown): ServiceUnavailableError {
    return new ServiceUnavailableError(DEADLINE_RETRY_AFTER_SECONDS, cause ?? new Error('The store deadline passed.'));
  }

  /**
   * Settles with `work`, or rejects with 503 at the deadline, whichever comes first. The SDK's retries of a
   * reset connection sleep without looking at the abort signal, so the race, not the signal, keeps the
   * answer on time.
   */
  async race<T>(work: Promise<T>): Promise<T> {
    if (this.expired()) {
      work.catch(() => undefined);
      throw this.exceeded();
    }
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => {
        reject(this.exceeded());
        this.controller.abort(new DOMException('The store deadline passed.', 'TimeoutError'));
      }, this.remainingMs());
    });
    try {
      return await Promise.race([work, timeout]);
    } finally {
      clearTimeout(timer);
      // A call that lost the race may still fail later: its rejection is expected and ignored.
      work.catch(() => undefined);
    }
  }

  /** Waits `ms` (jittered backoff between attempts), or fails with 503 when the deadline comes first. */
  async pause(ms: number): Promise<void> {
    if (ms >= this.remainingMs()) throw this.exceeded();
    await new Promise((resolve) => setTimeout(resolve, ms));
  }
}

/** A budget for work that no HTTP request waits for (scripts, benchmarks, set-up). */
export function unboundedBudget(): RequestBudget {
  return new RequestBudget(2_147_483_647);
}

/** Returned by an attempt that lost a race with another writer and should run again on fresh data. */
export const RETRY = Symbol('retry');

/**
 * The read-modify-writes of one process, queued per document: racing writers of one document take turns
 * here instead of failing each other's conditional writes. Other processes (instances) still race, which
 * the retries of `untilSettled` handle. One per store, so two hosts in one process race like two instances.
 */
export class WriterTurns {
  private readonly tails = new Map<string, Promise<void>>();

  /** Runs `work` after every earlier `work` of the same key has finished (or the deadline passed). */
  async inTurn<T>(budget: RequestBudget, key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release = (): void => undefined;
    const mine = new Promise<void>((resolve) => {
      release = resolve;
    });
    const tail = previous.then(() => mine);
    this.tails.set(key, tail);
    try {
      await budget.race(previous);
      return await work();
    } finally {
      release();
      void tail.then(() => {
        if (this.tails.get(key) === tail) this.tails.delete(key);
      });
    }
  }
}

/**
 * Runs `attempt` until it returns something other than RETRY: each retry after a jittered, growing pause
 * (so racing writers spread out), until the budget's deadline, then 503. Used by every read-modify-write of
 * the document `key`, whose writers in this process take turns.
 */
export async function untilSettled<T>(
  budget: RequestBudget,
  turns: WriterTurns,
  key: string,
  attempt: () => Promise<T | typeof RETRY>,
): Promise<T> {
  return turns.inTurn(budget, key, async () => {
    for (let round = 0; ; round += 1) {
      const result = await attempt();
      if (result !== RETRY) return result;
      await budget.pause(Math.random() * Math.min(200, 2 ** Math.min(round + 1, 8)));
    }
  });
}

/**
 * Runs `work` again each time the database throttles it (429) after the SDK's own retries, waiting as long
 * as the database asked (a little more, jittered, so retrying writers spread out), until the budget's
 * deadline, then 503. For work no client can sensibly repeat by itself sooner: a large import.
 */
export async function whileThrottled<T>(budget: RequestBudget, work: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      return await work();
    } catch (error) {
      if (!(error instanceof TooManyRequestsError)) throw error;
      await budget.pause(Math.max(10, error.retryAfterMs) * (1 + Math.random() / 4));
    }
  }
}
