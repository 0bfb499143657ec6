import fs from 'node:fs';
import type { Database } from 'sqlite3';

/**
 * SQLite's online backup API (through the sqlite3 driver): a consistent copy of a live
 * database, page by page, inside one read transaction. In WAL mode the app's writers carry
 * on meanwhile; what they commit after the copy began is not in it.
 */

// eslint-disable-next-line @typescript-eslint/no-require-imports
const sqlite3 = require('sqlite3') as typeof import('sqlite3');

export interface BackupCheck {
  actions: number;
  auditEvents: number;
  migrations: number;
  bytes: number;
}

function open(file: string, mode: number): Promise<Database> {
  return new Promise((resolve, reject) => {
    const db: Database = new sqlite3.Database(file, mode, (error) =>
      error ? reject(error) : resolve(db),
    );
  });
}

function all<T>(db: Database, sql: string): Promise<T[]> {
  return new Promise((resolve, reject) =>
    db.all(sql, (error: Error | null, rows: T[]) => (error ? reject(error) : resolve(rows))),
  );
}

/** The driver's backup handle; its bundled typings leave it out. */
interface SqliteBackup {
  step(pages: number, callback: (error: Error | null) => void): void;
  finish(callback: (error: Error | null) => void): void;
}
type BackupCapable = Database & {
  backup(
    file: string,
    destName: string,
    sourceName: string,
    filenameIsDest: boolean,
    callback: (error: Error | null) => void,
  ): SqliteBackup;
};

const close = (db: Database) => new Promise<void>((resolve) => db.close(() => resolve()));

/** Copies `from` into `to`; `to` is a file name when `filenameIsDest`, else the source. */
function copy(db: Database, file: string, filenameIsDest: boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    const backup = (db as BackupCapable).backup(
      file,
      'main',
      'main',
      filenameIsDest,
      (error: Error | null) => {
        if (error) return reject(error);
        // -1: every page in one step, so the copy is one consistent snapshot even while the
        // app writes (stepping in parts would restart each time a writer commits).
        backup.step(-1, (stepError: Error | null) => {
          if (stepError) return reject(stepError);
          backup.finish((finishError: Error | null) =>
            finishError ? reject(finishError) : resolve(),
          );
        });
      },
    );
  });
}

/** Opens a database file read-only and checks it is whole and is the tracker's. */
export async function checkTrackerDatabase(file: string): Promise<BackupCheck> {
  if (!fs.existsSync(file)) throw new Error(`No file at ${file}`);
  const db = await open(file, sqlite3.OPEN_READONLY).catch(() => {
    throw new Error(`${file} is not an SQLite database`);
  });
  try {
    const [integrity] = await all<{ integrity_check: string }>(db, 'PRAGMA integrity_check').catch(
      () => {
        throw new Error(`${file} is not an SQLite database`);
      },
    );
    if (integrity?.integrity_check !== 'ok') {
      throw new Error(`${file} failed SQLite's integrity check: ${integrity?.integrity_check}`);
    }
    const tables = await all<{ name: string }>(
      db,
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('migrations', 'action', 'audit_event')",
    );
    if (tables.length < 3) throw new Error(`${file} is not a CQC Action Tracker database`);
    const [counts] = await all<{ actions: number; audit: number; migrations: number }>(
      db,
      `SELECT (SELECT COUNT(*) FROM action) AS actions, (SELECT COUNT(*) FROM audit_event) AS audit,
              (SELECT COUNT(*) FROM migrations) AS migrations`,
    );
    return {
      actions: counts.actions,
      auditEvents: counts.audit,
      migrations: counts.migrations,
      bytes: fs.statSync(file).size,
    };
  } finally {
    await close(db);
  }
}

/** Writes a consistent copy of the live database at `source` to the new file `target`. */
export async function backupSqlite(source: string, target: string): Promise<BackupCheck> {
  if (fs.existsSync(target)) throw new Error(`${target} already exists; choose a new file`);
  const db = await open(source, sqlite3.OPEN_READONLY);
  try {
    await copy(db, target, true);
  } finally {
    await close(db);
  }
  return checkTrackerDatabase(target);
}

/**
 * Replaces the database at `target` with the backup `file`, after checking the backup and
 * keeping a copy of what it replaces at `keepAs`. Stop the app first.
 */
export async function restoreSqlite(
  file: string,
  target: string,
  keepAs: string,
): Promise<BackupCheck & { kept: string | null }> {
  const check = await checkTrackerDatabase(file);
  const kept = fs.existsSync(target) ? keepAs : null;
  if (kept) await backupSqlite(target, kept);
  const db = await open(target, sqlite3.OPEN_READWRITE | sqlite3.OPEN_CREATE);
  try {
    await copy(db, file, false);
  } finally {
    await close(db);
  }
  return { ...check, kept };
}
