/**
 * The task file's `source.ssl`: TLS for every connection to the source (binlog, control, full
 * sync, heartbeat). RDS and PolarDB accounts often require it. Certificates and the key are PEM,
 * named by a file path or carried by an environment variable (the key is a secret: it is never
 * written into the task file). `ssl: true` means TLS checked against the system's CAs.
 */
import { z } from 'zod';

/** Where a PEM comes from: a file, or an environment variable that holds the PEM text. */
export type PemRef = { readonly file: string } | { readonly env: string };

const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name');
const envPattern = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$/;

/** `path`, `{ file: path }`, `{ env: NAME }` or `${NAME}`. */
const pemSchema = z.union([z.string().min(1), z.object({ file: z.string().min(1) }).strict(), z.object({ env: envName }).strict()]).transform((v): PemRef => {
  if (typeof v !== 'string') return v;
  const m = envPattern.exec(v);
  return m?.[1] ? { env: m[1] } : { file: v };
});

const tlsObjectSchema = z
  .object({
    /** The CA that signed the server's certificate (RDS/PolarDB: the region's CA bundle); the system CAs when absent. */
    ca: pemSchema.optional(),
    /** A client certificate, for accounts that REQUIRE X509; needs `key`. */
    cert: pemSchema.optional(),
    key: pemSchema.optional(),
    /** false accepts any server certificate: encryption without authentication. */
    rejectUnauthorized: z.boolean().default(true),
    minVersion: z.enum(['TLSv1.2', 'TLSv1.3']).optional(),
  })
  .strict()
  .refine((t) => (t.cert === undefined) === (t.key === undefined), { message: 'cert and key go together: a client certificate needs its key, and a key its certificate' });

/** `true` is `{}`: every default (system CAs, certificate checked). */
export const sourceTlsSchema = z.preprocess((v) => (v === true ? {} : v), tlsObjectSchema);

export type SourceTlsConfig = z.output<typeof sourceTlsSchema>;
