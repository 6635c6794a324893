/**
 * A strict reader of the Prometheus text exposition format 0.0.4, for tests: every line is a
 * HELP, a TYPE or a sample of the family those two just declared; label values are correctly
 * escaped; values are numbers. Anything else throws, naming the line.
 */
export interface ParsedSample {
  readonly labels: Record<string, string>;
  readonly value: number;
}

export interface ParsedFamily {
  readonly help: string;
  readonly type: string;
  readonly samples: ParsedSample[];
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const HELP = new RegExp(`^# HELP (${NAME}) (.*)$`);
const TYPE = new RegExp(`^# TYPE (${NAME}) (counter|gauge|histogram|summary|untyped)$`);
const SAMPLE = new RegExp(`^(${NAME})(\\{.*\\})? (\\S+)$`);
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"(,|\})/y;
const VALUE = /^(?:[+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)|NaN|[+-]Inf)$/;

function unescape(text: string): string {
  return text.replace(/\\([\\"n])/g, (_, c: string) => (c === 'n' ? '\n' : c));
}

/** HELP text escapes only backslash and newline; any other backslash is a writer's bug. */
function unescapeHelp(text: string, line: string): string {
  if (/\\(?![\\n])/.test(text.replace(/\\\\/g, ''))) throw new Error(`bad escape in HELP: ${line}`);
  return text.replace(/\\([\\n])/g, (_, c: string) => (c === 'n' ? '\n' : c));
}

function parseLabels(text: string, line: string): Record<string, string> {
  const labels: Record<string, string> = {};
  LABEL.lastIndex = 1;
  let end = '';
  while (end !== '}') {
    const m = LABEL.exec(text);
    if (!m) throw new Error(`bad labels in line: ${line}`);
    if (m[1]! in labels) throw new Error(`label ${m[1]} twice in line: ${line}`);
    labels[m[1]!] = unescape(m[2]!);
    end = m[3]!;
  }
  if (LABEL.lastIndex !== text.length) throw new Error(`text after the labels in line: ${line}`);
  return labels;
}

function parseValue(text: string, line: string): number {
  if (!VALUE.test(text)) throw new Error(`bad value in line: ${line}`);
  return text === 'NaN' ? NaN : text.endsWith('Inf') ? (text.startsWith('-') ? -Infinity : Infinity) : Number(text);
}

export function parseExposition(text: string): Map<string, ParsedFamily> {
  if (text !== '' && !text.endsWith('\n')) throw new Error('the exposition must end with a newline');
  const families = new Map<string, ParsedFamily>();
  interface Declared {
    name: string;
    help?: string;
    type?: string;
  }
  let current = undefined as Declared | undefined;
  for (const line of text.split('\n').slice(0, -1)) {
    const help = HELP.exec(line);
    if (help) {
      if (families.has(help[1]!) || current?.name === help[1]) throw new Error(`family ${help[1]} declared twice`);
      current = { name: help[1]!, help: unescapeHelp(help[2]!, line) };
      continue;
    }
    const type = TYPE.exec(line);
    if (type) {
      if (current === undefined || current.name !== type[1] || current.type !== undefined) throw new Error(`TYPE without its HELP just before: ${line}`);
      current.type = type[2]!;
      families.set(current.name, { help: current.help!, type: current.type, samples: [] });
      continue;
    }
    const sample = SAMPLE.exec(line);
    if (!sample) throw new Error(`not a HELP, TYPE or sample line: ${JSON.stringify(line)}`);
    if (current?.type === undefined || sample[1] !== current.name) throw new Error(`sample outside its family (after HELP and TYPE of ${sample[1]}): ${line}`);
    const family = families.get(current.name)!;
    const labels = sample[2] ? parseLabels(sample[2], line) : {};
    const key = JSON.stringify(Object.entries(labels).sort());
    if (family.samples.some((s) => JSON.stringify(Object.entries(s.labels).sort()) === key)) throw new Error(`label set twice in ${current.name}: ${line}`);
    family.samples.push({ labels, value: parseValue(sample[3]!, line) });
  }
  for (const [name, family] of families) if (family.samples.length === 0) throw new Error(`family ${name} has no samples`);
  return families;
}

/** The value of the one sample of `name` whose labels include `labels`; throws when there is not exactly one. */
export function sampleValue(families: Map<string, ParsedFamily>, name: string, labels: Record<string, string> = {}): number {
  const matches = (families.get(name)?.samples ?? []).filter((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  if (matches.length !== 1) throw new Error(`${matches.length} samples of ${name} with ${JSON.stringify(labels)}`);
  return matches[0]!.value;
}
