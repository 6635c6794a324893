/**
 * The one logger, on pino: JSON lines on FC (or DTS_LOG_FORMAT=json), short text lines locally.
 * Secret values print as *** (task/secret.ts), so a config object that slips into a line leaks
 * nothing; the `redact` paths are a second guard for fields named like credentials.
 */
import { pino, type DestinationStream } from 'pino';
import pretty from 'pino-pretty';
import { showRowValues, type LogFields, type Logger } from '../log.ts';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface LoggerOptions {
  readonly level: LogLevel;
  readonly format: 'json' | 'text';
  /** Where lines go (default stderr). */
  readonly destination?: DestinationStream;
}

function wrap(p: pino.Logger): Logger {
  return {
    debug: (m, f) => p.debug(f ?? {}, m),
    info: (m, f) => p.info(f ?? {}, m),
    warn: (m, f) => p.warn(f ?? {}, m),
    error: (m, f) => p.error(f ?? {}, m),
    child: (bindings: LogFields) => wrap(p.child(bindings)),
  };
}

/**
 * Text lines through pino-pretty's formatter, written synchronously to any `{ write }` destination
 * (its stream form pipes, so it needs a full Writable; it also learns pino's messageKey by message).
 */
function prettyLines(out: DestinationStream): DestinationStream {
  const format = pretty.prettyFactory({ colorize: false, translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname', singleLine: true, messageKey: 'message' });
  return { write: (line: string) => out.write(format(line)) };
}

export function createLogger(options: LoggerOptions): Logger {
  showRowValues(options.level === 'debug');
  const out = options.destination ?? pino.destination({ fd: 2, sync: true });
  const destination = options.format === 'text' ? prettyLines(out) : out;
  const p = pino(
    {
      level: options.level,
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      messageKey: 'message',
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: ['password', '*.password', '*.*.password', 'secret', '*.secret', 'accessKeySecret', '*.accessKeySecret'], censor: '***' },
    },
    destination,
  );
  return wrap(p);
}
