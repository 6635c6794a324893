/** Canal Json encoder (formats.md §2, DTS flavour §2.7): one record → one FlatMessage. */
export { encodeCanalJson, type CanalJsonOptions } from './encode-canal-json.ts';
export { sqlTypeOf, JavaSqlTypes } from './sql-type.ts';
export { valueStringOf, type ValueString } from './value-string.ts';
export { canalDdlType, type CanalDdlType } from './ddl-type.ts';
export { javaDoubleToString, javaFloatToString } from './java-number.ts';
