/**
 * The hand-written Prometheus text format 0.0.4: escaping of HELP text and label values, number
 * formatting, each family's lines together in declaration order whatever order samples came in,
 * and the writer's refusals (bad names, a label set twice, a negative counter). Every output is
 * read back by the strict parser in test/helpers/prometheus-text.ts.
 */
import { describe, expect, it } from 'vitest';
import { formatValue, MetricFamilies, renderExposition } from '../../../../shared/ops/metrics/index.ts';
import { parseExposition } from '../../../helpers/prometheus-text.ts';

describe('renderExposition', () => {
  it('escapes backslash and newline in HELP, and backslash, quote and newline in label values', () => {
    const text = renderExposition([{ name: 'dts_x', help: 'a \\ b\nc "quoted"', type: 'gauge', samples: [{ labels: { task: 'say "hi"\\\nbye' }, value: 1 }] }]);
    expect(text).toBe(['# HELP dts_x a \\\\ b\\nc "quoted"', '# TYPE dts_x gauge', 'dts_x{task="say \\"hi\\"\\\\\\nbye"} 1', ''].join('\n'));
    const parsed = parseExposition(text).get('dts_x')!;
    expect(parsed.help).toBe('a \\ b\nc "quoted"');
    expect(parsed.samples).toEqual([{ labels: { task: 'say "hi"\\\nbye' }, value: 1 }]);
  });

  it('keeps each family together in declaration order, samples in the order they were added', () => {
    const f = new MetricFamilies();
    const read = f.counter('dts_b_total', 'b');
    const lag = f.gauge('dts_a', 'a');
    lag(3, { destination: 'kafka' });
    read(10, { task: 't' });
    lag(4, { destination: 'fc' });
    f.gauge('dts_empty', 'no samples: left out');
    lag(5, { destination: 'mc' });
    const text = renderExposition(f.families());
    expect(text.split('\n')).toEqual([
      '# HELP dts_b_total b',
      '# TYPE dts_b_total counter',
      'dts_b_total{task="t"} 10',
      '# HELP dts_a a',
      '# TYPE dts_a gauge',
      'dts_a{destination="kafka"} 3',
      'dts_a{destination="fc"} 4',
      'dts_a{destination="mc"} 5',
      '',
    ]);
    expect([...parseExposition(text).keys()]).toEqual(['dts_b_total', 'dts_a']);
  });

  it('writes numbers as Go floats: integers, fractions, exponents, NaN and infinities', () => {
    expect([0, 12, -3, 0.25, 1e21, 1.5e-7, NaN, Infinity, -Infinity].map(formatValue)).toEqual(['0', '12', '-3', '0.25', '1e+21', '1.5e-7', 'NaN', '+Inf', '-Inf']);
    const text = renderExposition([{ name: 'dts_v', help: 'v', type: 'gauge', samples: [0.25, 1e21, NaN, -Infinity].map((value, i) => ({ labels: { i: String(i) }, value })) }]);
    expect(
      parseExposition(text)
        .get('dts_v')!
        .samples.map((s) => s.value),
    ).toEqual([0.25, 1e21, NaN, -Infinity]);
  });

  it('writes a sample without labels bare, and nothing at all for no families', () => {
    expect(renderExposition([{ name: 'up', help: 'h', type: 'gauge', samples: [{ labels: {}, value: 1 }] }])).toBe('# HELP up h\n# TYPE up gauge\nup 1\n');
    expect(renderExposition([])).toBe('');
  });

  it('refuses what Prometheus would reject: bad metric or label names, a label set twice, a family twice, a negative counter', () => {
    const one = (name: string, labels: Record<string, string>) => renderExposition([{ name, help: 'h', type: 'gauge', samples: [{ labels, value: 1 }] }]);
    expect(() => one('dts-bad', {})).toThrow(/invalid metric name "dts-bad"/);
    expect(() => one('dts_ok', { 'bad-label': 'x' })).toThrow(/invalid label name "bad-label"/);
    expect(() => one('dts_ok', { __reserved: 'x' })).toThrow(/invalid label name "__reserved"/);
    expect(() =>
      renderExposition([
        {
          name: 'dts_twice',
          help: 'h',
          type: 'gauge',
          samples: [
            { labels: { a: '1' }, value: 1 },
            { labels: { a: '1' }, value: 2 },
          ],
        },
      ]),
    ).toThrow(/label set \{a="1"\} appears twice/);
    const family = { name: 'dts_dup', help: 'h', type: 'gauge' as const, samples: [{ labels: {}, value: 1 }] };
    expect(() => renderExposition([family, family])).toThrow(/rendered twice/);
    const f = new MetricFamilies();
    expect(() => f.counter('dts_neg_total', 'h')(-1)).toThrow(/never negative/);
    expect(() => f.gauge('dts_neg_total', 'h')).toThrow(/declared twice/);
  });
});

describe('the strict parser the metrics tests read with', () => {
  const ok = '# HELP dts_a a\n# TYPE dts_a gauge\ndts_a{task="t"} 1\n';
  it('reads a well-formed exposition', () => {
    expect(parseExposition(ok).get('dts_a')).toEqual({ help: 'a', type: 'gauge', samples: [{ labels: { task: 't' }, value: 1 }] });
  });
  it.each([
    ['a sample before its HELP and TYPE', 'dts_a 1\n', /sample outside its family/],
    ['a TYPE without HELP', '# TYPE dts_a gauge\ndts_a 1\n', /TYPE without its HELP/],
    ['a sample of another family', '# HELP dts_a a\n# TYPE dts_a gauge\ndts_b 1\n', /sample outside its family/],
    ['an unescaped quote in a label value', '# HELP dts_a a\n# TYPE dts_a gauge\ndts_a{task="a"b"} 1\n', /bad labels|text after the labels/],
    ['a lone backslash in HELP', '# HELP dts_a a \\x\n# TYPE dts_a gauge\ndts_a 1\n', /bad escape in HELP/],
    ['a value that is not a number', '# HELP dts_a a\n# TYPE dts_a gauge\ndts_a one\n', /bad value/],
    ['a label set twice', ok + 'dts_a{task="t"} 2\n', /label set twice/],
    ['a family declared twice', ok + ok, /declared twice/],
    ['no final newline', ok.trimEnd(), /end with a newline/],
  ])('refuses %s', (_, text, error) => {
    expect(() => parseExposition(text)).toThrow(error);
  });
});
