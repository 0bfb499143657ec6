import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { DataSource, EntityManager } from 'typeorm';
import { nowTimestamp } from '../common/dates';
import type { AppConfig } from '../config/configuration';
import { EvidenceFile } from './evidence-file.entity';

/** What the store needs to know about a file it keeps. */
export interface StoredFileFacts {
  sha256: string;
  size: number;
  mediaType: string;
}

/**
 * Where evidence documents' bytes live. Every store records each file's facts in
 * `evidence_file` (so the database always says what is kept); they differ in where the bytes
 * go. Kept by SHA-256: the same bytes uploaded twice are kept once, and a file cannot change
 * under its evidence. An S3-compatible store would be a third implementation of this
 * interface; it is not written yet (docs/operations.md).
 */
export interface EvidenceStore {
  readonly kind: string;
  /** Keeps the bytes if they are not kept already, inside the caller's write transaction. */
  put(manager: EntityManager, facts: StoredFileFacts, bytes: Buffer): Promise<void>;
  /** The bytes, or null when the file is not kept (a file named before issue 20, say). */
  read(sha256: string): Promise<Buffer | null>;
}

const insertFacts = (manager: EntityManager, facts: StoredFileFacts, content: Buffer | null) =>
  manager
    .createQueryBuilder()
    .insert()
    .into(EvidenceFile)
    .values({ ...facts, content, storedAt: nowTimestamp() })
    // Two uploads of the same bytes at once: the second finds the first's row and adds nothing.
    .orIgnore()
    .execute();

/** The default: bytes in `evidence_file.content`, so a database backup holds them. */
export class DatabaseEvidenceStore implements EvidenceStore {
  readonly kind = 'database';
  constructor(private readonly dataSource: DataSource) {}

  async put(manager: EntityManager, facts: StoredFileFacts, bytes: Buffer): Promise<void> {
    await insertFacts(manager, facts, bytes);
    // A file first kept while EVIDENCE_STORAGE=directory has no bytes here yet: add them.
    await manager
      .createQueryBuilder()
      .update(EvidenceFile)
      .set({ content: bytes })
      .where('sha256 = :sha256 AND content IS NULL', { sha256: facts.sha256 })
      .execute();
  }

  async read(sha256: string): Promise<Buffer | null> {
    const row = await this.dataSource
      .getRepository(EvidenceFile)
      .createQueryBuilder('f')
      .addSelect('f.content')
      .where('f.sha256 = :sha256', { sha256 })
      .getOne();
    return row?.content ?? null;
  }
}

/**
 * EVIDENCE_STORAGE=directory: bytes in EVIDENCE_DIRECTORY/ab/abcdef... (the first two hex
 * digits fan the files out), written to a temporary name and renamed, so a reader never sees
 * half a file. Backing up the database does not back these up: the directory must be backed
 * up with it.
 */
export class DirectoryEvidenceStore implements EvidenceStore {
  readonly kind = 'directory';
  constructor(private readonly directory: string) {}

  private pathOf(sha256: string): string {
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error('Not a SHA-256');
    return path.join(this.directory, sha256.slice(0, 2), sha256);
  }

  async put(manager: EntityManager, facts: StoredFileFacts, bytes: Buffer): Promise<void> {
    const target = this.pathOf(facts.sha256);
    const exists = await fs
      .stat(target)
      .then((s) => s.size === facts.size)
      .catch(() => false);
    if (!exists) {
      await fs.mkdir(path.dirname(target), { recursive: true });
      const temporary = `${target}.${randomUUID()}.part`;
      await fs.writeFile(temporary, bytes, { flag: 'wx' });
      await fs.rename(temporary, target);
    }
    await insertFacts(manager, facts, null);
  }

  async read(sha256: string): Promise<Buffer | null> {
    try {
      return await fs.readFile(this.pathOf(sha256));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }
}

export const EVIDENCE_STORE = Symbol('EVIDENCE_STORE');

/** The store the configuration names (EVIDENCE_STORAGE), for the app and the command line. */
export function evidenceStoreFor(
  config: Pick<AppConfig, 'evidenceStorage' | 'evidenceDirectory'>,
  dataSource: DataSource,
): EvidenceStore {
  return config.evidenceStorage === 'directory' && config.evidenceDirectory
    ? new DirectoryEvidenceStore(config.evidenceDirectory)
    : new DatabaseEvidenceStore(dataSource);
}
