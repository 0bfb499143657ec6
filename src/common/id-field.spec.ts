import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { getMetadataStorage, validate } from 'class-validator';
import { plainToInstance } from 'class-transformer';
import { ID_FIELD, IdField, requireId } from './id-field';

const SRC = path.join(__dirname, '..');
/** Text fields whose names end in Id but hold no row id. */
const NOT_ROW_IDS = new Set(['entityId', 'requestId', 'cqcProviderId', 'cqcLocationId']);

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sources(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [full] : [];
  });
}

describe('IdField', () => {
  class Example {
    @IdField() required: number;
    @IdField({ optional: true }) optional?: number;
    @IdField({ optional: true, nullable: true }) clearable?: number | null;
  }
  const problems = async (body: object) =>
    (await validate(plainToInstance(Example, body))).map((e) => e.property).sort();

  it('refuses null unless the field may be cleared', async () => {
    expect(await problems({ required: 1 })).toEqual([]);
    expect(await problems({ required: 1, clearable: null })).toEqual([]);
    expect(await problems({ required: null })).toEqual(['required']);
    expect(await problems({ required: 1, optional: null })).toEqual(['optional']);
    expect(await problems({ required: 0, optional: 2 ** 31 })).toEqual(['optional', 'required']);
  });

  it('requireId lets no null or undefined through', () => {
    expect(requireId(3, 'ownerId')).toBe(3);
    expect(() => requireId(null, 'ownerId')).toThrow();
    expect(() => requireId(undefined, 'ownerId')).toThrow();
  });

  it('is on every id field of every DTO', () => {
    // Load every module that declares validated classes, so their metadata is registered.
    for (const file of sources(SRC)) {
      const text = readFileSync(file, 'utf8');
      if (/from 'class-validator'|IdField\(/.test(text) && !/main\.ts$|cli\.ts$/.test(file)) {
        // eslint-disable-next-line @typescript-eslint/no-require-imports -- loading each module for its decorators
        require(file);
      }
    }
    const storage = getMetadataStorage() as unknown as {
      validationMetadatas: Map<
        { name: string },
        { propertyName: string; name?: string; constraintCls?: { name?: string } }[]
      >;
    };
    const missing: string[] = [];
    let idFields = 0;
    for (const [target, metadatas] of storage.validationMetadatas) {
      const byProperty = new Map<string, typeof metadatas>();
      for (const m of metadatas) {
        byProperty.set(m.propertyName, [...(byProperty.get(m.propertyName) ?? []), m]);
      }
      for (const [property, list] of byProperty) {
        if (!/(^id|Id|Ids)$/.test(property) || NOT_ROW_IDS.has(property)) continue;
        if (target.name === 'Example') continue;
        const marked = list.some((m) => m.name === ID_FIELD || m.constraintCls?.name === ID_FIELD);
        if (marked) idFields += 1;
        else missing.push(`${target.name}.${property}`);
      }
    }
    expect(missing).toEqual([]);
    expect(idFields).toBeGreaterThan(15);
  });
});
