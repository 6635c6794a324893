/**
 * The XML of the MaxCompute control plane: a small strict reader for the documents the client
 * reads (<Error>, <Instance> status/tasks/results, <Table> with its JSON <Schema>) and the escaping
 * for the one it writes (the SQL task). Elements, attributes, text, CDATA, the five named
 * entities and numeric references; the prolog, comments and processing instructions are skipped;
 * DOCTYPE is refused. Anything malformed throws XmlError: the caller names the request.
 */

export interface XmlElement {
  readonly name: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly children: readonly XmlElement[];
  /** The element's own text (its text and CDATA nodes, joined), entities decoded, not trimmed. */
  readonly text: string;
}

export class XmlError extends Error {}

interface Building {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const NAME = /^[A-Za-z_][\w.:-]*/;
const ATTRIBUTE = /\s*([A-Za-z_][\w.:-]*)\s*=\s*(?:"([^"]*)"|'([^']*)')/y;

/** Parses a document and returns its root element. */
export function parseXml(text: string): XmlElement {
  const stack: Building[] = [];
  let root: XmlElement | undefined;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const skip = (close: string, what: string) => {
    const at = text.indexOf(close, i);
    if (at < 0) throw new XmlError(`unterminated ${what} at ${i}`);
    return at;
  };
  while (i < text.length) {
    const lt = text.indexOf('<', i);
    const chunk = text.slice(i, lt < 0 ? text.length : lt);
    if (chunk.trim() !== '' && stack.length === 0) throw new XmlError(`text outside the root element at ${i}`);
    if (stack.length > 0) stack.at(-1)!.text += decodeEntities(chunk);
    if (lt < 0) break;
    i = lt;
    if (text.startsWith('<![CDATA[', i)) {
      const end = skip(']]>', 'CDATA');
      if (stack.length === 0) throw new XmlError(`CDATA outside the root element at ${i}`);
      stack.at(-1)!.text += text.slice(i + 9, end);
      i = end + 3;
    } else if (text.startsWith('<!--', i)) {
      i = skip('-->', 'comment') + 3;
    } else if (text.startsWith('<?', i)) {
      i = skip('?>', 'processing instruction') + 2;
    } else if (text.startsWith('<!', i)) {
      throw new XmlError(`DOCTYPE and declarations are not accepted (at ${i})`);
    } else if (text.startsWith('</', i)) {
      const end = skip('>', 'end tag');
      const name = text.slice(i + 2, end).trim();
      const open = stack.pop();
      if (!open || open.name !== name) throw new XmlError(`</${name}> does not close <${open?.name ?? '(nothing)'}> at ${i}`);
      const element: XmlElement = open;
      if (stack.length > 0) stack.at(-1)!.children.push(element);
      else root = element;
      i = end + 1;
    } else {
      if (root) throw new XmlError(`a second root element at ${i}`);
      const name = NAME.exec(text.slice(i + 1, i + 200))?.[0];
      if (!name) throw new XmlError(`malformed start tag at ${i}`);
      const attributes: Record<string, string> = {};
      ATTRIBUTE.lastIndex = i + 1 + name.length;
      for (let m = ATTRIBUTE.exec(text); m; m = ATTRIBUTE.exec(text)) {
        attributes[m[1]!] = decodeEntities(m[2] ?? m[3] ?? '');
        i = ATTRIBUTE.lastIndex;
      }
      let j = Math.max(i, lt + 1 + name.length);
      while (j < text.length && /\s/.test(text[j]!)) j++;
      const element: Building = { name, attributes, children: [], text: '' };
      if (text.startsWith('/>', j)) {
        if (stack.length > 0) stack.at(-1)!.children.push(element);
        else root = element;
        i = j + 2;
      } else if (text[j] === '>') {
        stack.push(element);
        i = j + 1;
      } else {
        throw new XmlError(`malformed start tag <${name}> at ${lt}`);
      }
    }
  }
  if (stack.length > 0) throw new XmlError(`<${stack.at(-1)!.name}> is not closed`);
  if (!root) throw new XmlError('no root element');
  return root;
}

/** The first child element named `name` (case-sensitive, as the server spells it). */
export function child(element: XmlElement | undefined, name: string): XmlElement | undefined {
  return element?.children.find((c) => c.name === name);
}

export function children(element: XmlElement | undefined, name: string): XmlElement[] {
  return element?.children.filter((c) => c.name === name) ?? [];
}

/** The trimmed text of the first child named `name`, or undefined. */
export function childText(element: XmlElement | undefined, name: string): string | undefined {
  return child(element, name)?.text.trim();
}

export function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);
}

/** A CDATA section holding `text` exactly (a "]]>" inside is split across two sections). */
export function cdata(text: string): string {
  return `<![CDATA[${text.replaceAll(']]>', ']]]]><![CDATA[>')}]]>`;
}

function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&(?:(lt|gt|amp|quot|apos)|#(\d+)|#x([0-9a-fA-F]+));|&/g, (all, named: string | undefined, dec: string | undefined, hex: string | undefined) => {
    if (named) return { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" }[named as 'lt']!;
    if (dec || hex) {
      const code = dec ? Number(dec) : parseInt(hex!, 16);
      if (code > 0x10ffff || code === 0) throw new XmlError(`bad character reference ${all}`);
      return String.fromCodePoint(code);
    }
    throw new XmlError('a bare "&" in text');
  });
}
