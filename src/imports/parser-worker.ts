import fs from 'node:fs';
import os from 'node:os';
import v8 from 'node:v8';
import { parentPort } from 'node:worker_threads';
import { AppError } from '../common/app-error';
import { ParseTask, runParseTask } from './parse-tasks';

/**
 * A parser thread: takes one file at a time from the pool (parser-pool.ts), parses it and
 * posts back the result, or the error to answer with. It holds no database connection and
 * writes nothing; if it runs past its time or memory the pool stops it, and the app carries on.
 */
export type WorkerReply =
  | { ok: true; value: unknown; heapMb: number }
  | { ok: false; code: AppError['code']; message: string; errors?: AppError['errors'] }
  | { ok: false; code: null; message: string };

/**
 * This thread's Linux thread id, so the pool can read the CPU time it has used
 * (/proc/<pid>/task/<tid>/stat); null elsewhere, where the pool counts wall-clock time.
 */
function threadId(): number | null {
  try {
    const id = Number(fs.readlinkSync('/proc/thread-self').split('/').pop());
    return Number.isInteger(id) && id !== process.pid ? id : null;
  } catch {
    return null;
  }
}

/**
 * Parsing yields the CPU to requests: on Linux a thread has its own nice value, and
 * setpriority on its id lowers this thread alone, so on a busy server the event loop
 * answering everyone else is scheduled first. A modest 5: on a machine shared with other
 * busy processes a lower priority would starve the parse itself.
 */
function lowerPriority(id: number | null): void {
  try {
    if (id !== null) os.setPriority(id, 5);
  } catch {
    // Not allowed: the parse runs at normal priority.
  }
}

const id = threadId();
lowerPriority(id);
parentPort?.postMessage({ ready: true, threadId: id } satisfies WorkerReady);

export interface WorkerReady {
  ready: true;
  threadId: number | null;
}

parentPort?.on('message', (task: ParseTask) => {
  runParseTask(task).then(
    (value) =>
      parentPort!.postMessage({
        ok: true,
        value,
        // The heap this thread holds now: the pool retires a worker a large file left big.
        heapMb: v8.getHeapStatistics().total_heap_size / (1024 * 1024),
      } satisfies WorkerReply),
    (error: unknown) => {
      const reply: WorkerReply =
        error instanceof AppError
          ? { ok: false, code: error.code, message: error.message, errors: error.errors }
          : {
              ok: false,
              code: null,
              message: error instanceof Error ? error.message : String(error),
            };
      parentPort!.postMessage(reply);
    },
  );
});
