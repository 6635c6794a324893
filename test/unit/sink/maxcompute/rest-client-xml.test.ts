/** The control plane's XML: what the client reads and the escaping of what it writes. */
import { describe, expect, it } from 'vitest';
import { cdata, child, children, childText, escapeXml, parseXml, XmlError } from '../../../../shared/sink/maxcompute/xml.ts';

describe('parseXml', () => {
  it('reads elements, attributes, text, CDATA and entities; skips the prolog and comments', () => {
    const root = parseXml(
      '\ufeff<?xml version="1.0" encoding="UTF-8"?>\n<!-- c --><Instance a=\'1\' b="x &amp; y">\n  <Tasks><Task Type="SQL"><Name>T&lt;1&gt;</Name><Result Transform="Base64"><![CDATA[<raw> & ]]>more&#65;&#x42;</Result></Task>\n<Task/></Tasks>\n  <Status> Terminated </Status></Instance>',
    );
    expect(root.name).toBe('Instance');
    expect(root.attributes).toEqual({ a: '1', b: 'x & y' });
    const tasks = children(child(root, 'Tasks'), 'Task');
    expect(tasks).toHaveLength(2);
    expect(tasks[0]!.attributes.Type).toBe('SQL');
    expect(childText(tasks[0], 'Name')).toBe('T<1>');
    expect(child(tasks[0], 'Result')!.text).toBe('<raw> & moreAB');
    expect(child(tasks[0], 'Result')!.attributes).toEqual({ Transform: 'Base64' });
    expect(tasks[1]!.children).toEqual([]);
    expect(childText(root, 'Status')).toBe('Terminated');
    expect(childText(root, 'Nope')).toBeUndefined();
  });

  it.each([
    ['<a><b></a>', '</a> does not close <b>'],
    ['<a>', '<a> is not closed'],
    ['<a></a><b/>', 'a second root element'],
    ['text<a/>', 'text outside the root element'],
    ['<!DOCTYPE x><a/>', 'DOCTYPE'],
    ['<a>&bogus;</a>', 'a bare "&"'],
    ['<a><![CDATA[x</a>', 'unterminated CDATA'],
    ['', 'no root element'],
    ['<a b=1/>', 'malformed start tag'],
  ])('refuses %j (%s)', (text, message) => {
    expect(() => parseXml(text)).toThrow(XmlError);
    expect(() => parseXml(text)).toThrow(message);
  });
});

describe('writing', () => {
  it('escapes text and attribute values; CDATA holds any text, "]]>" included', () => {
    expect(escapeXml(`a<b>&"c'`)).toBe('a&lt;b&gt;&amp;&quot;c&apos;');
    const text = 'x ]]> y ]]]]> z';
    expect(parseXml(`<q>${cdata(text)}</q>`).text).toBe(text);
    expect(parseXml(`<q v="${escapeXml(text + '<&>"')}">${escapeXml(text)}</q>`)).toMatchObject({ text, attributes: { v: `${text}<&>"` } });
  });
});
