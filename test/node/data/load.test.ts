import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { seededRng } from '../../../src/core/rng';
import { CsvError, generateTumorDataset, loadDataset } from '../../../src/data/index';

const repo = resolve(__dirname, '../../..');
const fixtures = join(repo, 'test/fixtures/data');
const readPublicFile = (p: string): Promise<Uint8Array> => readFile(join(repo, 'public', p));

describe('loadDataset', () => {
  it('lcl and italy decode the shipped files through the injected reader', async () => {
    const asked: string[] = [];
    const reader = (p: string): Promise<Uint8Array> => { asked.push(p); return readPublicFile(p); };
    const lcl = await loadDataset('lcl', { readPublicFile: reader });
    expect([lcl.name, lcl.T, lcl.owners.length]).toEqual(['lcl', 24, 180]);
    const italy = await loadDataset('italy', { readPublicFile: reader });
    expect([italy.name, italy.T, italy.owners.length]).toEqual(['italy', 24, 1096]);
    // Text and ArrayBuffer readers work too (fetch().text() / fetch().arrayBuffer()).
    const italyText = await loadDataset('italy', { readPublicFile: async (p) => (await readPublicFile(p)).toString() });
    expect(italyText.owners.length).toBe(1096);
    const lclBuf = await loadDataset('lcl', { readPublicFile: async (p) => { const b = await readPublicFile(p); return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer; } });
    expect(lclBuf.owners.length).toBe(180);
    expect(asked).toEqual(['data/lcl-2013.bin', 'data/italy-power-demand.csv']);
  });

  it('tumor generates as many patients as asked, deterministically', async () => {
    const a = await loadDataset('tumor', { patients: 17, seed: 5, tumor: { seriesPerPatient: 2 } });
    const b = generateTumorDataset(seededRng(5), 17, { seriesPerPatient: 2 });
    expect(a.owners.length).toBe(17);
    expect(a.owners.map((o) => o.series.map((s) => Array.from(s)))).toEqual(b.owners.map((o) => o.series.map((s) => Array.from(s))));
  });

  it('a .csv name is read with readFile and parsed, named after the file', async () => {
    const ds = await loadDataset(join(fixtures, 'participants.csv'), { readFile: (p) => readFile(p), csv: { expectedLength: 3, lo: -10, hi: 10 } });
    expect([ds.name, ds.T, ds.lo, ds.hi]).toEqual(['participants.csv', 3, -10, 10]);
    expect(ds.owners.map((o) => o.id)).toEqual(['alice', 'bob']);
    await expect(loadDataset(join(fixtures, 'ragged.csv'), { readFile: (p) => readFile(p) })).rejects.toBeInstanceOf(CsvError);
    await expect(loadDataset(join(fixtures, 'participants.csv'), { readFile: (p) => readFile(p), csv: { expectedLength: 24 } }))
      .rejects.toThrow(/line 1, column 5: rows have 3 values but this round needs 24/);
  });

  it('rejects unknown names and missing readers', async () => {
    await expect(loadDataset('cer')).rejects.toThrow(/unknown dataset 'cer'/);
    await expect(loadDataset('lcl')).rejects.toThrow(/readPublicFile is required/);
    await expect(loadDataset('x.csv')).rejects.toThrow(/readFile is required/);
    await expect(loadDataset('lcl', { readPublicFile: async () => 'text' })).rejects.toThrow(/expected bytes/);
  });
});
