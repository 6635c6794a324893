/**
 * A frozen copy of shared/encode/dts-avro's encoding path as of commit 86a2284, before the direct
 * row writer of issue 12: the reference the rewritten encoder must match byte for byte
 * (reference-bytes.test.ts) and the "before" of `npm run bench -- encode`. Only import paths were
 * changed; do not edit it to follow the live encoder. The leaf modules the rewrite left unchanged
 * (big-decimal, charset-bytes, data-type-number, model, object-name, tags, temporal) are not
 * copied: the copy imports them from shared/encode/dts-avro/.
 */
export { encodeDtsAvro as referenceEncodeDtsAvro } from './encode-dts-avro.ts';
