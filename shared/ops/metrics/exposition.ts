/**
 * The Prometheus text exposition format, version 0.0.4, written by hand. A task has a dozen
 * gauges and counters computed from a snapshot at scrape time; prom-client would add a
 * process-global registry, default process metrics and a dependency for what these few lines do.
 *
 * Grammar (https://prometheus.io/docs/instrumenting/exposition_formats/), per metric family:
 *   # HELP <name> <text>          text escapes `\` as `\\` and newline as `\n`
 *   # TYPE <name> counter|gauge
 *   <name>{<label>="<value>",…} <number>   label values escape `\`, `"` and newline; numbers are
 *                                          Go floats: NaN, +Inf, -Inf
 * A family's lines are contiguous and a label set appears once per family.
 */
import { InvariantError } from '../../errors.ts';

export type MetricType = 'counter' | 'gauge';
export type Labels = Readonly<Record<string, string>>;

export interface Sample {
  readonly labels: Labels;
  readonly value: number;
}

export interface MetricFamily {
  readonly name: string;
  readonly help: string;
  readonly type: MetricType;
  readonly samples: readonly Sample[];
}

export const EXPOSITION_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

const escapeHelp = (text: string) => text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
const escapeLabelValue = (text: string) => text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

export function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

function formatLabels(family: string, labels: Labels): string {
  const entries = Object.entries(labels);
  if (entries.length === 0) return '';
  for (const [name] of entries) {
    if (!LABEL_NAME.test(name) || name.startsWith('__')) throw new InvariantError(`metric ${family}: invalid label name "${name}"`);
  }
  return `{${entries.map(([name, value]) => `${name}="${escapeLabelValue(value)}"`).join(',')}}`;
}

/** The exposition text: families in the given order, each sample in its order; a family without samples is left out. */
export function renderExposition(families: readonly MetricFamily[]): string {
  const lines: string[] = [];
  const seen = new Set<string>();
  for (const family of families) {
    if (!METRIC_NAME.test(family.name)) throw new InvariantError(`invalid metric name "${family.name}"`);
    if (seen.has(family.name)) throw new InvariantError(`metric ${family.name} rendered twice: its samples must be one family`);
    seen.add(family.name);
    if (family.samples.length === 0) continue;
    lines.push(`# HELP ${family.name} ${escapeHelp(family.help)}`, `# TYPE ${family.name} ${family.type}`);
    const labelSets = new Set<string>();
    for (const sample of family.samples) {
      const labels = formatLabels(family.name, sample.labels);
      if (labelSets.has(labels)) throw new InvariantError(`metric ${family.name}: the label set ${labels || '{}'} appears twice`);
      labelSets.add(labels);
      lines.push(`${family.name}${labels} ${formatValue(sample.value)}`);
    }
  }
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

/**
 * Collects samples into families: declare each metric once (name, help, type), add samples in any
 * order, and `families()` keeps declaration order with each family's samples together, as the
 * format requires.
 */
export class MetricFamilies {
  readonly #families = new Map<string, { name: string; help: string; type: MetricType; samples: Sample[] }>();

  counter(name: string, help: string): (value: number, labels?: Labels) => void {
    return this.#declare(name, help, 'counter');
  }

  gauge(name: string, help: string): (value: number, labels?: Labels) => void {
    return this.#declare(name, help, 'gauge');
  }

  families(): MetricFamily[] {
    return [...this.#families.values()];
  }

  #declare(name: string, help: string, type: MetricType): (value: number, labels?: Labels) => void {
    if (this.#families.has(name)) throw new InvariantError(`metric ${name} declared twice`);
    const family = { name, help, type, samples: [] as Sample[] };
    this.#families.set(name, family);
    return (value, labels = {}) => {
      if (type === 'counter' && !(value >= 0)) throw new InvariantError(`counter ${name} given ${value}: counters are never negative`);
      family.samples.push({ labels, value });
    };
  }
}
