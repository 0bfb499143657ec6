import fs from 'node:fs';
import os from 'node:os';
import { parentPort } from 'node:worker_threads';
import { AppError } from '../common/app-error';
import { ParseTask, runParseTask } from './parse-tasks';

/**
 * A parser thread: takes one file at a time from the pool (parser-pool.ts), parses it and
 * posts back the result, or the error to answer with. It holds no database connection and
 * writes nothing; if it runs past its time or memory the pool stops it, and the app carries on.
 */
export type WorkerReply =
  | { ok: true; value: unknown }
  | { ok: false; code: AppError['code']; message: string; errors?: AppError['errors'] }
  | { ok: false; code: null; message: string };

/**
 * Parsing yields the CPU to requests: on Linux a thread has its own nice value, and
 * setpriority on the thread's id lowers this thread alone, so on a busy two-core server the
 * event loop answering everyone else is scheduled first. Elsewhere this is skipped.
 */
function lowerThisThreadsPriority(): void {
  try {
    const threadId = Number(fs.readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isInteger(threadId) && threadId !== process.pid) os.setPriority(threadId, 10);
  } catch {
    // Not Linux, or not allowed: the parse runs at normal priority.
  }
}
lowerThisThreadsPriority();

parentPort?.on('message', (task: ParseTask) => {
  runParseTask(task).then(
    (value) => parentPort!.postMessage({ ok: true, value } satisfies WorkerReply),
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
