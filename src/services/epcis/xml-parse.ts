// Reading an untrusted XML body into a DOM, refusing before parsing whatever could make the parser work
// for the attacker: a DOCTYPE (so no entities at all: no XXE, no billion laughs), more elements than a
// capture can hold, nesting deeper than an EPCIS document needs. Every parser complaint, even a warning,
// refuses the document: a partial tree must never be captured as if it were the whole.
import { DOMParser, type Element, type Node } from '@xmldom/xmldom';
import { ServiceError } from '../errors.ts';

/** Element nesting an EPCIS document needs: document/body/list/event/ilmd/… with room for extensions. */
export const XML_DEPTH_MAX = 40;
/** Elements per document: 100 events (EVENTS_PER_CAPTURE_MAX) of a few hundred elements each. */
export const XML_ELEMENTS_MAX = 50_000;

export type XmlRefusal =
  'doctype' | 'malformed' | 'too_deep' | 'too_many_elements' | 'not_epcis' | 'structure';

export function xmlInvalid(
  reason: XmlRefusal,
  message: string,
  details: Record<string, string> = {},
): ServiceError {
  return new ServiceError('epcis.xml_invalid', message, { reason, ...details });
}

const ELEMENT_NODE = 1;

/** Child elements of a node, in document order. */
export function childElements(node: Node): Element[] {
  const out: Element[] = [];
  for (let c = node.firstChild; c !== null; c = c.nextSibling) {
    if (c.nodeType === ELEMENT_NODE) out.push(c as Element);
  }
  return out;
}

/** The deepest element nesting under root, walked without recursion (the walk itself must be bounded). */
function depthExceeds(root: Element, max: number): boolean {
  const stack: Array<readonly [Element, number]> = [[root, 1]];
  while (stack.length > 0) {
    const [element, depth] = stack.pop()!;
    if (depth > max) return true;
    for (const child of childElements(element)) stack.push([child, depth + 1]);
  }
  return false;
}

/** An over-estimate of the element count: every "<" that opens a tag (comments and CDATA included). */
function startTagsAtLeast(text: string, max: number): boolean {
  let count = 0;
  for (const _ of text.matchAll(/<[A-Za-z_:]/g)) if (++count > max) return true;
  return false;
}

/**
 * No entity can be declared or fetched: no `<!ENTITY`, and at most one DOCTYPE that is a bare name
 * (`<!DOCTYPE project>`, which editors leave at the top of GS1's own example files): no internal subset,
 * no SYSTEM or PUBLIC identifier.
 */
function doctypeIsHarmless(text: string): boolean {
  if (/<!ENTITY/i.test(text)) return false;
  const doctypes = [...text.matchAll(/<!DOCTYPE/gi)];
  if (doctypes.length === 0) return true;
  if (doctypes.length > 1) return false;
  return /^<!DOCTYPE[ \t\r\n]+[A-Za-z_][\w.:-]*[ \t\r\n]*>/i.test(text.slice(doctypes[0]!.index));
}

/** The document element of an XML text, or epcis.xml_invalid (400) saying why not. */
export function parseXmlSafely(text: string): Element {
  if (!doctypeIsHarmless(text)) {
    throw xmlInvalid(
      'doctype',
      'XML with a DOCTYPE that declares anything, or with entity declarations, is refused: send the document without one',
    );
  }
  if (startTagsAtLeast(text, XML_ELEMENTS_MAX)) {
    throw xmlInvalid('too_many_elements', `the XML document has more than ${XML_ELEMENTS_MAX} elements`);
  }
  let problem: string | undefined;
  const parser = new DOMParser({
    onError: (level, message) => {
      problem ??= `${level}: ${String(message).split('\n')[0]!.slice(0, 160)}`;
      throw new Error(problem);
    },
  });
  let root: Element | null;
  try {
    root = parser.parseFromString(text, 'application/xml').documentElement;
  } catch {
    throw xmlInvalid('malformed', `the body is not well-formed XML (${problem ?? 'unreadable'})`);
  }
  if (root === null || problem !== undefined) {
    throw xmlInvalid('malformed', `the body is not well-formed XML (${problem ?? 'no document element'})`);
  }
  if (depthExceeds(root, XML_DEPTH_MAX)) {
    throw xmlInvalid('too_deep', `XML elements nest deeper than ${XML_DEPTH_MAX} levels`);
  }
  return root;
}
