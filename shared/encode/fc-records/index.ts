/** FC Records encoder (reference/dts-docs/004): records → the `{"Records":[…]}` event DTS sends to a function. */
export { encodeFcRecord, type FcRecordOptions } from './encode-fc-record.ts';
export { fcEvent, EVENT_OVERHEAD_BYTES } from './event.ts';
export { javaHashMapOrder } from './java-hash-map-order.ts';
