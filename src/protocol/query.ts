import { Errors } from './errors.ts';
import { formPairs } from './form.ts';

/**
 * The parameters of one query-protocol request (`Action=AssumeRole&Version=2011-06-15&...`), with
 * typed readers that raise AWS's ValidationError wording. Lists use the `Name.member.N` form.
 */
export class QueryParams {
  private readonly map: Map<string, string>;

  constructor(map: Map<string, string>) {
    this.map = map;
  }

  /** The body as text: query-protocol bodies are UTF-8, and anything else is refused, not guessed at. */
  static decode(body: Uint8Array): string {
    try {
      return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(body);
    } catch {
      throw Errors.malformedQueryString('The request body is not valid UTF-8.');
    }
  }

  static parse(text: string): QueryParams {
    return QueryParams.fromPairs(formPairs(text));
  }

  /** Parameters already decoded by formPairs (the URL's, then the body's); a repeated name is refused. */
  static fromPairs(pairs: Iterable<[string, string]>): QueryParams {
    const map = new Map<string, string>();
    for (const [k, v] of pairs) {
      if (map.has(k)) throw Errors.malformedQueryString(`Duplicate parameter: ${k}`);
      map.set(k, v);
    }
    return new QueryParams(map);
  }

  /** Every parameter, to rebuild the same parameters elsewhere (`new QueryParams(new Map(entries))`). */
  entries(): [string, string][] {
    return [...this.map];
  }

  has(name: string): boolean {
    return this.map.has(name);
  }

  get(name: string): string | undefined {
    return this.map.get(name);
  }

  /** The same parameters with `name` set to `value`. */
  with(name: string, value: string): QueryParams {
    return new QueryParams(new Map(this.map).set(name, value));
  }

  /** A required parameter: AWS answers a missing one with ValidationError "... Member must not be null". */
  require(name: string, member = lowerFirst(name)): string {
    const v = this.map.get(name);
    if (v === undefined) {
      throw Errors.constraint([{ value: null, member, constraint: 'Member must not be null' }]);
    }
    return v;
  }

  integer(name: string): number | undefined {
    const v = this.map.get(name);
    if (v === undefined) return undefined;
    if (!/^-?\d{1,15}$/.test(v.trim())) {
      throw Errors.validation(`Invalid value for parameter ${name}: '${v}' is not an integer.`);
    }
    return Number(v.trim());
  }

  boolean(name: string): boolean | undefined {
    const v = this.map.get(name);
    if (v === undefined) return undefined;
    if (v === 'true') return true;
    if (v === 'false') return false;
    throw Errors.validation(`Invalid value for parameter ${name}: '${v}' is not a boolean.`);
  }

  /** `Name.member.1`, `Name.member.2`, ... (a gap ends the list, as AWS reads it). */
  list(name: string): string[] {
    const out: string[] = [];
    for (let i = 1; this.map.has(`${name}.member.${i}`); i++)
      out.push(this.map.get(`${name}.member.${i}`)!);
    return out;
  }

  /** `Name.member.N.Field` structures, e.g. `Tags.member.1.Key` / `Tags.member.1.Value`. */
  structList<F extends string>(
    name: string,
    fields: readonly F[],
  ): Array<Partial<Record<F, string>>> {
    const out: Array<Partial<Record<F, string>>> = [];
    for (let i = 1; ; i++) {
      const item: Partial<Record<F, string>> = {};
      let found = false;
      for (const f of fields) {
        const v = this.map.get(`${name}.member.${i}.${f}`);
        if (v !== undefined) {
          item[f] = v;
          found = true;
        }
      }
      if (!found) break;
      out.push(item);
    }
    return out;
  }
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}
