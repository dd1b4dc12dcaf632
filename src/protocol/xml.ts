/**
 * AWS query-protocol XML rendering. Objects become child elements in insertion order, arrays become
 * `<member>` lists (the shape every query-protocol list uses), XmlMaps `<entry>` lists, `undefined`
 * is omitted.
 */
export type XmlValue =
  string | number | boolean | undefined | null | XmlValue[] | XmlObject | XmlMap;

/**
 * A query-protocol map (GetAccountSummary's SummaryMap): `<entry><key>k</key><value>v</value></entry>`
 * per pair, in order.
 */
export class XmlMap {
  constructor(readonly entries: ReadonlyArray<readonly [string, XmlValue]>) {}
}
export interface XmlObject {
  [name: string]: XmlValue;
}

export const NAMESPACES = {
  sts: 'https://sts.amazonaws.com/doc/2011-06-15/',
  iam: 'https://iam.amazonaws.com/doc/2010-05-08/',
} as const;
export type Service = keyof typeof NAMESPACES;

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '\r': '&#xD;' };

// Characters XML 1.0 cannot carry at all (controls, lone surrogates, U+FFFE/U+FFFF); an echoed
// request value containing one would otherwise make the whole response unparseable.
const NOT_XML =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

// Every character either replacement could touch: most values (ids, ARNs, dates) have none.
const MAYBE_ESCAPED = /[&<>\u0000-\u001F\uD800-\uDFFF\uFFFE\uFFFF]/;

/** Escapes element text; quotes need no escaping outside attributes (and AWS leaves them as they are). */
export function escapeXml(text: string): string {
  if (!MAYBE_ESCAPED.test(text)) return text;
  return text.replace(NOT_XML, '\uFFFD').replace(/[&<>\r]/g, (c) => ESCAPES[c]!);
}

function render(name: string, value: XmlValue): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value))
    return `<${name}>${value.map((v) => render('member', v)).join('')}</${name}>`;
  if (value instanceof XmlMap) {
    const entries = value.entries.map(
      ([k, v]) => `<entry>${render('key', k)}${render('value', v)}</entry>`,
    );
    return `<${name}>${entries.join('')}</${name}>`;
  }
  if (typeof value === 'object') {
    let inner = '';
    for (const [k, v] of Object.entries(value)) inner += render(k, v);
    return `<${name}>${inner}</${name}>`;
  }
  return `<${name}>${escapeXml(String(value))}</${name}>`;
}

/** `<XResponse><XResult>...</XResult><ResponseMetadata><RequestId/></ResponseMetadata></XResponse>` */
export function renderResult(
  service: Service,
  action: string,
  result: XmlObject | undefined,
  requestId: string,
): string {
  const body = result === undefined ? '' : render(`${action}Result`, result);
  return (
    `<${action}Response xmlns="${NAMESPACES[service]}">` +
    body +
    `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata>` +
    `</${action}Response>\n`
  );
}

export function renderError(
  service: Service,
  error: { type: string; code: string; message: string },
  requestId: string,
): string {
  return (
    `<ErrorResponse xmlns="${NAMESPACES[service]}">` +
    `<Error><Type>${error.type}</Type><Code>${escapeXml(error.code)}</Code>` +
    `<Message>${escapeXml(error.message)}</Message></Error>` +
    `<RequestId>${requestId}</RequestId></ErrorResponse>\n`
  );
}

/** IAM returns timestamps as ISO 8601 with milliseconds dropped (`2026-11-28T01:25:41Z`). */
export function isoSeconds(epochMs: number): string {
  // Hot: every authorization formats aws:CurrentTime; most calls fall in the second just formatted.
  const second = Math.floor(epochMs / 1000);
  if (second === lastSecond) return lastIso;
  const iso = new Date(second * 1000).toISOString().slice(0, 19) + 'Z'; // drops '.sssZ'
  lastSecond = second;
  lastIso = iso;
  return iso;
}
let lastSecond = NaN;
let lastIso = '';
