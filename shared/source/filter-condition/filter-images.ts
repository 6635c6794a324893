/**
 * One row event's images through a filter condition, as row changes of the filtered table:
 * INSERT/DELETE rows that do not match are dropped; an UPDATE keeps its op when both images match,
 * becomes an INSERT of the after image when only the row's new state matches (it enters the
 * filtered set), a DELETE of the before image when only the old state matches (it leaves it), and
 * is dropped when neither does. So the destination stays equal to "the source filtered", which DTS
 * itself does not promise (it applies the condition to each image as it comes).
 * The assembler takes one op per call, so the result is runs of consecutive images with one op,
 * in row order.
 */
import type { Row } from '../../record/index.ts';
import type { RowPredicate } from './compile-condition.ts';

export type RowOp = 'INSERT' | 'UPDATE' | 'DELETE';

export interface Image {
  readonly before: Row | null;
  readonly after: Row | null;
  readonly bytes: number;
}

export interface ImageRun<I extends Image = Image> {
  readonly op: RowOp;
  readonly images: I[];
}

export function filterImages<I extends Image>(op: RowOp, images: readonly I[], matches: RowPredicate): ImageRun<I>[] {
  const runs: ImageRun<I>[] = [];
  const push = (runOp: RowOp, image: I) => {
    const last = runs.at(-1);
    if (last?.op === runOp) last.images.push(image);
    else runs.push({ op: runOp, images: [image] });
  };
  for (const image of images) {
    const before = image.before !== null && matches(image.before);
    const after = image.after !== null && matches(image.after);
    if (op === 'INSERT') {
      if (after) push('INSERT', image);
    } else if (op === 'DELETE') {
      if (before) push('DELETE', image);
    } else if (before && after) {
      push('UPDATE', image);
    } else if (after) {
      push('INSERT', { ...image, before: null });
    } else if (before) {
      push('DELETE', { ...image, after: null });
    }
  }
  return runs;
}
