/**
 * The little XML this endpoint speaks: it reads the instance document an SDK posts (a well-formed
 * subset: elements, attributes, text, CDATA, comments, the five predefined entities and numeric
 * character references; no DTDs) and escapes what it writes. A malformed document throws XmlError.
 */

export interface XmlElement {
  readonly name: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly children: XmlElement[];
  /** Concatenated text and CDATA directly inside this element. */
  text: string;
}

export class XmlError extends Error {}

const ENTITIES: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function unescape(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|[a-z]+);/g, (whole, ref: string) => {
    if (ref.startsWith('#x')) return String.fromCodePoint(parseInt(ref.slice(2), 16));
    if (ref.startsWith('#')) return String.fromCodePoint(parseInt(ref.slice(1), 10));
    const v = ENTITIES[ref];
    if (v === undefined) throw new XmlError(`unknown entity ${whole}`);
    return v;
  });
}

export function parseXml(source: string): XmlElement {
  let pos = 0;
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  const fail = (what: string): never => {
    throw new XmlError(`${what} at offset ${pos}`);
  };
  while (pos < source.length) {
    const lt = source.indexOf('<', pos);
    const text = source.slice(pos, lt < 0 ? source.length : lt);
    if (text.trim() !== '') {
      if (stack.length === 0) fail('text outside the root element');
      stack[stack.length - 1]!.text += unescape(text);
    } else if (stack.length > 0) stack[stack.length - 1]!.text += text;
    if (lt < 0) break;
    pos = lt;
    if (source.startsWith('<?', pos)) {
      const end = source.indexOf('?>', pos);
      if (end < 0) fail('unterminated processing instruction');
      pos = end + 2;
    } else if (source.startsWith('<!--', pos)) {
      const end = source.indexOf('-->', pos);
      if (end < 0) fail('unterminated comment');
      pos = end + 3;
    } else if (source.startsWith('<![CDATA[', pos)) {
      const end = source.indexOf(']]>', pos);
      if (end < 0) fail('unterminated CDATA section');
      if (stack.length === 0) fail('CDATA outside the root element');
      stack[stack.length - 1]!.text += source.slice(pos + 9, end);
      pos = end + 3;
    } else if (source.startsWith('<!', pos)) {
      fail('DTDs are not accepted');
    } else if (source.startsWith('</', pos)) {
      const end = source.indexOf('>', pos);
      if (end < 0) fail('unterminated end tag');
      const name = source.slice(pos + 2, end).trim();
      const open = stack.pop();
      if (!open || open.name !== name) fail(`end tag </${name}> does not close <${open?.name ?? ''}>`);
      pos = end + 1;
    } else {
      const tag = /^<([A-Za-z_][\w.-]*)((?:\s+[A-Za-z_][\w.:-]*\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>/.exec(source.slice(pos, pos + 4096));
      if (!tag) fail('malformed start tag');
      const attributes: Record<string, string> = {};
      for (const a of tag![2]!.matchAll(/([A-Za-z_][\w.:-]*)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) attributes[a[1]!] = unescape(a[2] ?? a[3] ?? '');
      const element: XmlElement = { name: tag![1]!, attributes, children: [], text: '' };
      if (stack.length > 0) stack[stack.length - 1]!.children.push(element);
      else if (root) fail('a second root element');
      else root = element;
      if (tag![3] !== '/') stack.push(element);
      pos += tag![0].length;
    }
  }
  if (stack.length > 0) throw new XmlError(`<${stack[stack.length - 1]!.name}> is not closed`);
  if (!root) throw new XmlError('no root element');
  return root;
}

/** The first child named `name` (by path: child('Job', 'Tasks')). */
export function child(element: XmlElement | undefined, ...path: string[]): XmlElement | undefined {
  let e = element;
  for (const name of path) e = e?.children.find((c) => c.name === name);
  return e;
}

export function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&${Object.keys(ENTITIES).find((k) => ENTITIES[k] === c)};`);
}

/** Text in a CDATA section (a `]]>` inside is split across two sections). */
export function cdata(text: string): string {
  return `<![CDATA[${text.replaceAll(']]>', ']]]]><![CDATA[>')}]]>`;
}
