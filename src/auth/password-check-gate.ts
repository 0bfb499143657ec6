import { availableParallelism } from 'node:os';
import { AppError } from '../common/app-error';

/**
 * Password checks allowed at once: two, or one on a machine with two cores or fewer, so that
 * argon2 (on libuv's 4-thread pool, which SQLite shares) always leaves a core for everything else.
 */
export const PASSWORD_CHECKS_RUNNING = Math.max(1, Math.min(2, availableParallelism() - 1));
/** Sign-ins allowed to wait for a turn; beyond this they are told to come back. */
export const PASSWORD_CHECKS_WAITING = 8;
export const SIGN_IN_BUSY_RETRY_SECONDS = 5;

/** A refusal that tells the client when to try again (sent as Retry-After). */
export class RetryLaterError extends AppError {
  constructor(
    code: 'SIGN_IN_BUSY',
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(code, message);
  }
}

/**
 * Bounds the sign-ins in progress and the slow password hashes among them. argon2 takes ~64 MB
 * and tens of milliseconds per check on the thread pool that SQLite and file reads also use, so
 * 100 sign-ins at once used to stall every other request (even /health) for many seconds.
 *
 * A sign-in is admitted only while fewer than PASSWORD_CHECKS_RUNNING + PASSWORD_CHECKS_WAITING
 * are in progress; the rest are refused at once, before any database work, with 503
 * SIGN_IN_BUSY and Retry-After. Among those admitted, at most PASSWORD_CHECKS_RUNNING check a
 * password at a time, the others wait their turn in order.
 */
export class PasswordCheckGate {
  private admitted = 0;
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly maxRunning = PASSWORD_CHECKS_RUNNING,
    private readonly maxWaiting = PASSWORD_CHECKS_WAITING,
  ) {}

  /** Runs a whole sign-in if there is room; `check` runs its password check in turn. */
  async admit<T>(
    signIn: (check: <U>(passwordCheck: () => Promise<U>) => Promise<U>) => Promise<T>,
  ): Promise<T> {
    if (this.admitted >= this.maxRunning + this.maxWaiting) {
      throw new RetryLaterError(
        'SIGN_IN_BUSY',
        'Too many people are signing in at this moment; try again in a few seconds',
        SIGN_IN_BUSY_RETRY_SECONDS,
      );
    }
    this.admitted++;
    try {
      return await signIn((passwordCheck) => this.inTurn(passwordCheck));
    } finally {
      this.admitted--;
    }
  }

  private async inTurn<U>(passwordCheck: () => Promise<U>): Promise<U> {
    if (this.running >= this.maxRunning) {
      // The slot is handed over by the finishing check, so `running` never dips in between.
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running++;
    }
    try {
      return await passwordCheck();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}
