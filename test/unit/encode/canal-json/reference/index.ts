/**
 * A frozen copy of shared/encode/canal-json as of commit da67eb7, before the per-table template
 * rewrite of issue 12: the reference the rewritten encoder must match byte for byte
 * (reference-bytes.test.ts) and the "before" of `npm run bench -- encode`. Only import paths were
 * changed; do not edit it to follow the live encoder. The leaf modules the rewrite left unchanged
 * (ddl-type, sql-type) are not copied: the copy imports them from shared/encode/canal-json/.
 */
export { encodeCanalJson as referenceEncodeCanalJson } from './encode-canal-json.ts';
export { javaDoubleToString as referenceJavaDoubleToString, javaFloatToString as referenceJavaFloatToString } from './java-number.ts';
