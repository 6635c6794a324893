import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { frameHeader } from '../../../../shared/queue/file/frame.ts';
import { listSegmentFiles, scanFrames, segmentName } from '../../../../shared/queue/file/segment-file.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dts-segment-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const frame = (text: string) => Buffer.concat([frameHeader(Buffer.from(text)), Buffer.from(text)]);
const good = [frame('first'), frame('second frame'), frame('x'.repeat(3000))];
const goodBytes = Buffer.concat(good);
const ends = [good[0]!.length, good[0]!.length + good[1]!.length, goodBytes.length];

async function scan(bytes: Buffer, verify = true) {
  const path = join(dir, `scan-${Math.random()}.seg`);
  await writeFile(path, bytes);
  const fh = await open(path, 'r');
  try {
    return await scanFrames(fh, 0, bytes.length, verify);
  } finally {
    await fh.close();
  }
}

function corruptPayloadOf(index: number): Buffer {
  const bytes = Buffer.from(goodBytes);
  const at = (index === 0 ? 0 : ends[index - 1]!) + 8 + 1;
  bytes[at] = bytes[at]! ^ 0x01;
  return bytes;
}

describe('segment names', () => {
  it('are the first seq in 20 digits, listed in seq order', async () => {
    expect(segmentName(4711)).toBe('00000000000000004711.seg');
    const sub = await mkdtemp(join(dir, 'list-'));
    for (const name of [segmentName(100), segmentName(9), 'cursors.json', 'lock', '123.seg']) await writeFile(join(sub, name), '');
    expect((await listSegmentFiles(sub)).map((f) => f.firstSeq)).toEqual([9, 100]);
  });
});

describe('scanFrames', () => {
  it('finds every whole frame', async () => {
    expect(await scan(goodBytes)).toEqual({ offsets: [0, ends[0], ends[1]], end: goodBytes.length, problem: null });
  });

  it.each([
    { name: 'header cut short', bytes: Buffer.concat([goodBytes, Buffer.alloc(5, 1)]), reason: /header cut short/, torn: true },
    { name: 'payload cut short', bytes: Buffer.concat([goodBytes, frame('a longer payload').subarray(0, 12)]), reason: /payload cut short: 4 of 16/, torn: true },
    { name: 'garbage tail', bytes: Buffer.concat([goodBytes, Buffer.alloc(37, 0xab)]), reason: /payload cut short/, torn: true },
    { name: 'zero-filled tail', bytes: Buffer.concat([goodBytes, Buffer.alloc(4096)]), reason: /zero-filled tail/, torn: true },
    { name: 'length 0 then data', bytes: Buffer.concat([goodBytes, Buffer.alloc(8), frame('z')]), reason: /length 0/, torn: false },
    { name: 'bad checksum on the last frame', bytes: corruptPayloadOf(2), reason: /checksum/, torn: true, at: 1 },
    { name: 'bad checksum before the last frame', bytes: corruptPayloadOf(1), reason: /checksum/, torn: false, at: 0 },
  ])('$name: stops at the broken frame (torn: $torn)', async ({ bytes, reason, torn, at }) => {
    const result = await scan(bytes);
    const offset = at === undefined ? goodBytes.length : ends[at]!;
    expect(result.end).toBe(offset);
    expect(result.offsets.length).toBe(at === undefined ? 3 : at + 1);
    expect(result.problem).toMatchObject({ offset, torn });
    expect(result.problem!.reason).toMatch(reason);
  });

  it('without verify, checks framing only', async () => {
    expect((await scan(corruptPayloadOf(1), false)).problem).toBeNull();
  });
});
