/**
 * zongji 0.9.0 reads the charset lists of binlog_row_metadata=FULL (DEFAULT_CHARSET,
 * COLUMN_CHARSET) against the character columns as MySQL 8 counts them. MariaDB counts GEOMETRY
 * among them too (its is_character_type: "Base class is blob for geom type"), so on MariaDB every
 * text column after a GEOMETRY took the charset of the one before it (a utf8mb4 column decoded as
 * latin1, a CHAR read as BINARY), and the last ones' went missing. MySQL 8 does not count GEOMETRY
 * (test/integration/canal-json-types.test.ts checks both). This wraps zongji's reader of that
 * block: on MariaDB, once it has run, the two lists are read again from the same bytes against the
 * right columns, before zongji builds the column schemas that decode the rows.
 */
// zongji's package exports only its entry point (and types for it); its TableMap class is reached by file.
// @ts-expect-error no declaration file for zongji's internal modules
import { TableMap } from '../../../node_modules/@vlasky/zongji/lib/binlog_event.js';
import { MysqlTypeCode } from '../../record/index.ts';

const DEFAULT_CHARSET = 2;
const COLUMN_CHARSET = 3;
/** MariaDB's COMPRESSED columns count as character columns (zongji's own list has them). */
const BLOB_COMPRESSED = 140;
const VARCHAR_COMPRESSED = 141;
const MARIADB_CHARACTER_TYPES = new Set<number>([
  MysqlTypeCode.VARCHAR,
  MysqlTypeCode.VAR_STRING,
  MysqlTypeCode.STRING,
  MysqlTypeCode.TINY_BLOB,
  MysqlTypeCode.MEDIUM_BLOB,
  MysqlTypeCode.LONG_BLOB,
  MysqlTypeCode.BLOB,
  BLOB_COMPRESSED,
  VARCHAR_COMPRESSED,
  MysqlTypeCode.GEOMETRY,
]);

/** The parts of zongji's TableMap event and its packet parser this touches. */
interface ParsedTableMap {
  columnCount: number;
  _columnCharsetIds?: (number | undefined)[];
  _effectiveColumnType(index: number): number;
}
interface PacketParser {
  _buffer: Buffer;
  _offset: number;
}
type ReadOptionalMetadata = (this: ParsedTableMap, parser: PacketParser, zongji: { isMariaDb?: boolean } | undefined) => void;

/** A length-encoded integer of the MySQL protocol at `at`: its value and the offset after it. */
function lengthEncoded(bytes: Buffer, at: number): [number, number] {
  const first = bytes[at]!;
  if (first < 0xfb) return [first, at + 1];
  if (first === 0xfc) return [bytes.readUInt16LE(at + 1), at + 3];
  if (first === 0xfd) return [bytes.readUIntLE(at + 1, 3), at + 4];
  return [Number(bytes.readBigUInt64LE(at + 1)), at + 9];
}

/**
 * The collation id of each column, from the optional metadata block (`block` starts at the null
 * bitmap zongji reads first): character columns as MariaDB lists them, others as zongji had them.
 */
export function mariadbCharsetIds(event: ParsedTableMap, block: Buffer, ids: readonly (number | undefined)[]): (number | undefined)[] {
  const out = [...ids];
  const character: number[] = [];
  for (let i = 0; i < event.columnCount; i++) if (MARIADB_CHARACTER_TYPES.has(event._effectiveColumnType(i))) character.push(i);
  let at = Math.ceil(event.columnCount / 8);
  while (at < block.length) {
    const type = block[at]!;
    const [length, start] = lengthEncoded(block, at + 1);
    const end = start + length;
    let p = start;
    if (type === DEFAULT_CHARSET) {
      let collation: number;
      [collation, p] = lengthEncoded(block, p);
      for (const column of character) out[column] = collation;
      while (p < end) {
        let position: number;
        [position, p] = lengthEncoded(block, p);
        [collation, p] = lengthEncoded(block, p);
        if (position < character.length) out[character[position]!] = collation;
      }
    } else if (type === COLUMN_CHARSET) {
      for (let n = 0; p < end; n++) {
        let collation: number;
        [collation, p] = lengthEncoded(block, p);
        if (n < character.length) out[character[n]!] = collation;
      }
    }
    at = end;
  }
  return out;
}

const proto = TableMap.prototype as unknown as { _readOptionalMetadata: ReadOptionalMetadata; _geometryCharsetsRead?: true };
if (!proto._geometryCharsetsRead) {
  const original = proto._readOptionalMetadata;
  proto._readOptionalMetadata = function readOptionalMetadata(parser, zongji) {
    const start = parser._offset;
    original.call(this, parser, zongji);
    if (!zongji?.isMariaDb || !this._columnCharsetIds) return;
    let geometry = false;
    for (let i = 0; i < this.columnCount && !geometry; i++) geometry = this._effectiveColumnType(i) === MysqlTypeCode.GEOMETRY;
    if (geometry) this._columnCharsetIds = mariadbCharsetIds(this, parser._buffer.subarray(start, parser._offset), this._columnCharsetIds);
  };
  proto._geometryCharsetsRead = true;
}
