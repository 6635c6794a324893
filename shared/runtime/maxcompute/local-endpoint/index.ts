/** The local MaxCompute endpoint (`npm run maxcompute:local`): control plane + Table Tunnel, signatures and blocks verified, data kept on disk. */
export { startLocalMaxCompute, DEFAULT_ACCOUNTS, DEFAULT_PORT, DEFAULT_PROJECTS, type LocalMaxCompute, type LocalMaxComputeOptions } from './server.ts';
export { canonicalString, signatureV2, signatureV4, signingKeyV4, verifySignature, queryParams, type OdpsAccount, type SignedRequest, type SignatureVerdict } from './request-signature.ts';
export { readBlock, MalformedBlockError, type BlockSummary } from './record-stream-reader.ts';
export { frameDownload } from './record-stream-writer.ts';
export { parseOdpsType, type OdpsType } from './odps-types.ts';
export { parseSql, SqlError, type Statement } from './sql-parser.ts';
