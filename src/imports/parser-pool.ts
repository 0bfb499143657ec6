import { Inject, Injectable, Logger, OnModuleDestroy, Optional } from '@nestjs/common';
import fs from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { AppError } from '../common/app-error';
import { IMPORT_LIMITS, importLimitExceeded, ImportsBusyError } from './import-limits';
import type { ParseResults, ParseTask } from './parse-tasks';
import { TYPESCRIPT_WORKER_BOOTSTRAP } from './parser-worker-bootstrap';
import type { WorkerReady, WorkerReply } from './parser-worker';

/** A parse may take this many times its CPU time limit in wall-clock time (a starved machine). */
const WALL_CLOCK_FACTOR = 4;
/**
 * A worker whose heap a file grew past this is retired after it, not kept idle: an idle worker
 * is never collected, so it would hold a 10,000-row plan's 25 MB for as long as it waits. A
 * worker after a typical plan or report holds about 10 MB.
 */
const RETIRE_HEAP_MB = 16;

/**
 * The CPU time a thread has used, in ms, from Linux's /proc (utime + stime, in clock ticks of
 * 10 ms); null where that cannot be read.
 */
function threadCpuMs(threadId: number): number | null {
  try {
    const stat = fs.readFileSync(`/proc/${process.pid}/task/${threadId}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return null;
  }
}

export interface ParserPoolOptions {
  running: number;
  waiting: number;
  timeLimitMs: number;
  memoryMb: number;
}

export const PARSER_POOL_OPTIONS = Symbol('PARSER_POOL_OPTIONS');

/**
 * Reads import files in worker threads, so pdf.js, ExcelJS, csv-parse and the report parser
 * never hold the event loop that answers everyone else. Each parse has a time limit and a
 * heap limit; past either, its worker is stopped (terminate, or V8's own out-of-memory for a
 * worker) and the request gets 413, while the app and every other request carry on.
 *
 * At most `running` files are read at once (a small server has two cores) and `waiting` more
 * queue for a worker; past that an import is answered `503 IMPORTS_BUSY` with Retry-After at
 * once, rather than holding its upload in memory for minutes. Idle workers are kept for the
 * next file (starting one costs 50 to 300 ms), never more than `running` of them, and never
 * keep the process alive.
 */
@Injectable()
export class ParserPool implements OnModuleDestroy {
  private readonly logger = new Logger('ParserPool');
  private readonly options: ParserPoolOptions;
  private readonly idle: Worker[] = [];
  private readonly busy = new Set<Worker>();
  /** Each worker's thread id, once it has started (a worker's start is not its file's time). */
  private readonly started = new WeakMap<Worker, Promise<number | null>>();
  private readonly queue: Array<() => void> = [];
  private running = 0;
  private closed = false;

  constructor(@Optional() @Inject(PARSER_POOL_OPTIONS) options?: Partial<ParserPoolOptions>) {
    this.options = {
      running: IMPORT_LIMITS.parsersRunning,
      waiting: IMPORT_LIMITS.parsersWaiting,
      timeLimitMs: IMPORT_LIMITS.parseMilliseconds,
      memoryMb: IMPORT_LIMITS.parseMemoryMb,
      ...options,
    };
  }

  /** Parses in a worker; refuses at once with 503 IMPORTS_BUSY when the queue is full. */
  async run<K extends ParseTask['kind']>(
    task: Extract<ParseTask, { kind: K }>,
  ): Promise<ParseResults[K]> {
    await this.takeSlot();
    try {
      return (await this.parseInWorker(task)) as ParseResults[K];
    } finally {
      this.releaseSlot();
    }
  }

  /** Files being read and files waiting, for tests and the health page. */
  get load(): { running: number; waiting: number } {
    return { running: this.running, waiting: this.queue.length };
  }

  async onModuleDestroy(): Promise<void> {
    this.closed = true;
    const workers = [...this.idle, ...this.busy];
    this.idle.length = 0;
    await Promise.all(workers.map((worker) => worker.terminate()));
  }

  private takeSlot(): Promise<void> {
    if (this.running < this.options.running) {
      this.running++;
      return Promise.resolve();
    }
    if (this.queue.length >= this.options.waiting) return Promise.reject(new ImportsBusyError());
    return new Promise((resolve) => this.queue.push(resolve));
  }

  /** A finished parse hands its slot straight to the next in the queue. */
  private releaseSlot(): void {
    const next = this.queue.shift();
    if (next) next();
    else this.running--;
  }

  private async parseInWorker(task: ParseTask): Promise<unknown> {
    if (this.closed) throw new Error('The parser pool is closed');
    const worker = this.idle.pop() ?? this.startWorker();
    this.busy.add(worker);
    worker.ref();
    let threadId: number | null;
    try {
      threadId = await this.started.get(worker)!;
    } catch (error) {
      this.busy.delete(worker);
      throw error;
    }
    return new Promise((resolve, reject) => {
      let settled = false;
      const finish = (outcome: () => void, reusable: boolean) => {
        if (settled) return;
        settled = true;
        clearInterval(timer);
        worker.off('message', onMessage).off('error', onError).off('exit', onExit);
        this.busy.delete(worker);
        if (reusable && !this.closed && this.idle.length < this.options.running) {
          worker.unref();
          this.idle.push(worker);
        } else {
          void worker.terminate();
        }
        outcome();
      };
      // The limit is on the CPU time the parse uses (Linux), so a legitimate file on a
      // machine starved by other work is not refused; wall-clock time is the backstop.
      const limit = this.options.timeLimitMs;
      const wallStart = Date.now();
      const cpuStart = threadId === null ? null : threadCpuMs(threadId);
      const timer = setInterval(
        () => {
          const wall = Date.now() - wallStart;
          const cpuNow = threadId === null ? null : threadCpuMs(threadId);
          const used = cpuStart === null || cpuNow === null ? wall : cpuNow - cpuStart;
          if (used <= limit && wall <= limit * WALL_CLOCK_FACTOR) return;
          const took =
            used > limit
              ? `more than ${limit / 1000} s of processor time`
              : `more than ${(limit * WALL_CLOCK_FACTOR) / 1000} s`;
          finish(
            () =>
              reject(
                importLimitExceeded(
                  'parseMilliseconds',
                  `reading the file took ${took}, so it was stopped`,
                ),
              ),
            false,
          );
        },
        Math.min(250, limit),
      );
      const onMessage = (reply: WorkerReply) => {
        // A worker a large file left with a big heap is let go (its memory goes back to the
        // system at once) rather than kept idle holding it; the next file starts a fresh one.
        if (reply.ok) return finish(() => resolve(reply.value), reply.heapMb <= RETIRE_HEAP_MB);
        if (reply.code === null) {
          // A parser bug, not the file's fault: logged, and answered 500 by the filter.
          return finish(() => reject(new Error(`Parser worker: ${reply.message}`)), true);
        }
        finish(() => reject(new AppError(reply.code, reply.message, reply.errors)), true);
      };
      const onError = (error: Error & { code?: string }) => {
        const outOfMemory = error.code === 'ERR_WORKER_OUT_OF_MEMORY';
        finish(
          () =>
            reject(
              outOfMemory
                ? importLimitExceeded(
                    'parseMemoryMb',
                    `reading the file needed more than ${this.options.memoryMb} MB, so it was stopped`,
                  )
                : error,
            ),
          false,
        );
      };
      const onExit = (code: number) =>
        finish(() => reject(new Error(`Parser worker exited (${code})`)), false);
      worker.on('message', onMessage).on('error', onError).on('exit', onExit);
      worker.postMessage(task);
    });
  }

  private startWorker(): Worker {
    const resourceLimits = {
      maxOldGenerationSizeMb: this.options.memoryMb,
      maxYoungGenerationSizeMb: 4,
    };
    const compiled = path.join(__dirname, 'parser-worker.js');
    const worker = fs.existsSync(compiled)
      ? new Worker(compiled, { resourceLimits })
      : new Worker(TYPESCRIPT_WORKER_BOOTSTRAP, {
          eval: true,
          resourceLimits,
          workerData: {
            typescript: require.resolve('typescript'),
            entry: path.join(__dirname, 'parser-worker.ts'),
          },
        });
    const started = new Promise<number | null>((resolve, reject) => {
      const onReady = (message: WorkerReady) => {
        if (!message?.ready) return;
        worker.off('message', onReady);
        resolve(message.threadId);
      };
      worker.on('message', onReady);
      worker.once('exit', (code) =>
        reject(new Error(`Parser worker exited while starting (${code})`)),
      );
    });
    started.catch(() => undefined);
    this.started.set(worker, started);
    // Always listened to: an idle worker that fails must not take the app down with it
    // (an 'error' event nobody listens to is thrown), and is dropped from the idle list.
    worker.on('error', (error: Error) =>
      this.logger.warn(`A parser worker stopped: ${error.message}`),
    );
    worker.on('exit', () => {
      const index = this.idle.indexOf(worker);
      if (index >= 0) this.idle.splice(index, 1);
    });
    return worker;
  }
}
