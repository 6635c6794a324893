/**
 * The logger every stage receives: a constant message plus fields. The runtime builds it (JSON
 * lines on FC, text locally); stages never pick an implementation. Never pass secrets or row
 * values as fields.
 */
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  child(bindings: LogFields): Logger;
}

let rowValuesShown = false;

/**
 * Whether errors and log lines may show row values (a row's primary key values): only when the
 * task logs at `debug`, set by the runtime's logger. Otherwise they name key columns and positions.
 */
export function showRowValues(on: boolean): void {
  rowValuesShown = on;
}

export function areRowValuesShown(): boolean {
  return rowValuesShown;
}

/** A logger that drops everything (tests, benchmarks). */
export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child() {
    return silentLogger;
  },
};
